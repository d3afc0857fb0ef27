// Login, refresh, logout and "who am I". Login answers the same thing, after the same argon2id
// work, for an unknown tenant, an unknown account and a wrong password; failures count per account
// and per source (brute-force protection) and are audited with ids only. An account whose roles
// require MFA, or which enrolled TOTP, gets MFA_REQUIRED once its password is right, until a
// valid code (never one already used) is given. A wrong code is a failure like a wrong password;
// a login without a code neither counts nor clears anything; only a complete login clears.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { requiresMfa } from '@gardien/authz';
import { BlindIndex } from '@gardien/crypto';
import { PLATFORM_TENANT_ID, type CallScope, type Caller, type LoginRequest, type Me, type RefreshRequest, type TokenPair } from '@gardien/contracts';
import { withTenant, type AuditAuthor } from '@gardien/persistence';
import { authAudit } from '../auth.audit.js';
import { AuthReason, authError, tooManyAttempts } from '../auth.errors.js';
import { LoginThrottle, type ThrottleKeys } from '../brute-force/login-throttle.service.js';
import { throttleSourceOf } from '../brute-force/throttle-source.js';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { acceptTotp } from '../mfa/totp.js';
import { parseRefreshToken } from '../sessions/refresh-token.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { TenantDirectory } from '../tenant-directory/tenant-directory.js';
import { UserCodec } from '../users/user-codec.js';
import { UsersRepository, type UserRow } from '../users/users.repository.js';
import { AccessTokens } from './access-tokens.js';

interface Candidate {
  tenantId: string | undefined;
  user: UserRow | undefined;
}

interface Failed {
  ok: false;
  tenantId: string | null;
  user: UserRow | undefined;
  factor: 'password' | 'totp';
}

type Attempt = Failed | { ok: true; user: UserRow; tenantId: string; mfa: boolean };

@Injectable()
export class LoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly codec: UserCodec,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokens,
    private readonly directory: TenantDirectory,
    private readonly blindIndex: BlindIndex,
  ) {}

  /** `scope.deadline`: when the bus stops waiting for this answer; a password check still queued then is abandoned. */
  async login(request: LoginRequest, scope: CallScope): Promise<TokenPair> {
    const keys = await this.throttleKeys(request);
    const reservation = await this.throttle.reserve(keys);
    if (!reservation.allowed) throw tooManyAttempts(reservation.retryAfterMs);
    let attempt: Attempt;
    try {
      attempt = await this.attempt(request, scope);
    } catch (error) {
      // No credential was judged wrong (the code still to come, a service unavailable, password
      // checks saturated, the caller gone): this attempt's reservation is given back, and the
      // failures counted before it stay.
      await this.throttle.giveBack(keys);
      throw error;
    }
    if (!attempt.ok) return this.fail(attempt, reservation.accountLockedNow, scope);
    await this.throttle.succeed(keys);
    const { user, tenantId, mfa } = attempt;
    if (this.hasher.needsRehash(user.password_hash)) await this.rehash(user, request.password);
    const grant = await this.sessions.open(tenantId, user.id, new Date(), mfa, (manager, sessionId) =>
      authAudit.record(manager, { user: user.id, scope }, { action: 'login.succeeded', tenantId, targetId: sessionId, details: { mfa } }),
    );
    return this.tokens.pairFor(user, grant.sessionId, mfa, grant.refreshToken);
  }

  /** Checks the credentials; the same argon2id work whether or not the tenant and account exist. */
  private async attempt(request: LoginRequest, scope: CallScope): Promise<Attempt> {
    const { user, tenantId } = await this.findCandidate(request, scope);
    const passwordOk = await this.hasher.verify(user?.password_hash, request.password, scope.deadline);
    if (!passwordOk || !user || !tenantId) return { ok: false, tenantId: tenantId ?? null, user, factor: 'password' };
    const mfa = user.totp_confirmed || requiresMfa(user.roles);
    if (mfa) {
      if (!request.totp) throw authError(AuthReason.MfaRequired);
      if (!(await this.acceptCode(user, request.totp))) return { ok: false, tenantId, user, factor: 'totp' };
    }
    return { ok: true, user, tenantId, mfa };
  }

  async refresh(request: RefreshRequest, scope: CallScope): Promise<TokenPair> {
    // The tenant is checked before the token is spent: a failure here must leave the client able to retry.
    const tenantId = parseRefreshToken(request.refresh_token)?.tenantId;
    if (!tenantId) throw authError(AuthReason.SessionInvalid);
    const tenantActive = tenantId === PLATFORM_TENANT_ID || (await this.directory.resolveId(tenantId, scope))?.status === 'active';
    if (!tenantActive) throw authError(AuthReason.SessionInvalid);
    const grant = await this.sessions.refresh(request.refresh_token, new Date(), scope);
    const user = await withTenant(this.dataSource, grant.tenantId, (manager) => this.users.findById(manager, grant.userId));
    if (!user) {
      await this.sessions.closeSession({ user: grant.userId, scope }, grant.tenantId, grant.sessionId, grant.userId, new Date(), 'account-gone');
      throw authError(AuthReason.SessionInvalid);
    }
    return this.tokens.pairFor(user, grant.sessionId, grant.mfa, grant.refreshToken);
  }

  async logout(caller: Caller): Promise<void> {
    const { principal } = caller;
    if (principal.kind !== 'user' || !principal.sessionId) throw authError(AuthReason.UserSessionRequired);
    await this.sessions.closeSession(caller, principal.tenantId ?? PLATFORM_TENANT_ID, principal.sessionId, principal.id);
  }

  /** The caller's own account; refused once its session has ended (logout, timeout, reuse). */
  async me({ principal }: Caller): Promise<Me> {
    const tenantId = principal.tenantId ?? PLATFORM_TENANT_ID;
    if (principal.kind !== 'user' || !principal.sessionId || !(await this.sessions.isLive(tenantId, principal.sessionId))) {
      throw authError(AuthReason.SessionInvalid);
    }
    const user = await withTenant(this.dataSource, tenantId, (manager) => this.users.findById(manager, principal.id));
    if (!user) throw authError(AuthReason.SessionInvalid);
    return { id: user.id, tenant_id: principal.tenantId, email: await this.codec.openEmail(user), roles: user.roles, mfa_enrolled: user.totp_confirmed };
  }

  /** The tenant (platform for no slug) and the account the login names; either may be missing. */
  private async findCandidate(request: LoginRequest, scope: CallScope): Promise<Candidate> {
    let tenantId: string | undefined = PLATFORM_TENANT_ID;
    if (request.tenant) {
      const tenant = await this.directory.resolveSlug(request.tenant, scope);
      tenantId = tenant?.status === 'active' ? tenant.id : undefined;
    }
    if (!tenantId) return { tenantId: undefined, user: undefined };
    const index = await this.codec.emailIndex(tenantId, request.email);
    const user = await withTenant(this.dataSource, tenantId, (manager) => this.users.findByEmailIndex(manager, index));
    // Only the super-admin lives in the platform tenant; a tenant login never finds it.
    if (user && tenantId === PLATFORM_TENANT_ID && !user.roles.includes('superadmin')) return { tenantId, user: undefined };
    return { tenantId, user };
  }

  private async acceptCode(user: UserRow, code: string): Promise<boolean> {
    return withTenant(this.dataSource, user.tenant_id, async (manager) => {
      const locked = await this.users.lockById(manager, user.id);
      const secret = locked ? await this.codec.openTotpSecret(locked) : undefined;
      if (!locked || !secret) return false;
      const step = await acceptTotp(secret, code, locked.totp_last_step === null ? undefined : Number(locked.totp_last_step));
      if (step === undefined) return false;
      await this.users.recordTotpStep(manager, locked.id, step);
      return true;
    });
  }

  private async fail(attempt: Failed, accountLockedNow: boolean, scope: CallScope): Promise<never> {
    const { tenantId, user, factor } = attempt;
    const author: AuditAuthor = user ? { user: user.id, scope } : { system: 'unknown-account', scope };
    await this.dataSource.transaction(async (manager) => {
      await authAudit.record(manager, author, { action: 'login.failed', outcome: 'failure', tenantId, details: { factor } });
      if (accountLockedNow) await authAudit.record(manager, author, { action: 'login.locked', outcome: 'denied', tenantId });
    });
    throw authError(AuthReason.InvalidCredentials);
  }

  private async rehash(user: UserRow, password: string): Promise<void> {
    const hash = await this.hasher.hash(password);
    await withTenant(this.dataSource, user.tenant_id, (manager) => this.users.setPasswordHash(manager, user.id, hash, new Date()));
  }

  /** Keyed hashes (platform blind-index key) of what the login names and of the network it comes from. */
  private async throttleKeys(request: LoginRequest): Promise<ThrottleKeys> {
    const [account, source] = await Promise.all([
      this.blindIndex.compute(PLATFORM_TENANT_ID, 'login_throttle_account', `${request.tenant ?? ''}\n${request.email}`),
      this.blindIndex.compute(PLATFORM_TENANT_ID, 'login_throttle_source', throttleSourceOf(request.source)),
    ]);
    return { account: `account:${account}`, source: `source:${source}` };
  }
}

