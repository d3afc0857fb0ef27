// Login, refresh, logout and "who am I". Login answers the same thing, after the same argon2id
// work, for an unknown tenant, an unknown account and a wrong password; failures count per account
// and per source (brute-force protection) and are audited with ids only. An account whose roles
// require MFA, or which enrolled TOTP, gets MFA_REQUIRED once its password is right, until a
// valid code (never one already used) is given.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { requiresMfa } from '@gardien/authz';
import { BlindIndex } from '@gardien/crypto';
import { ErrorCode, GardienError, PLATFORM_TENANT_ID, type LoginRequest, type Me, type Principal, type RefreshRequest, type TokenPair } from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { auditAuth, type AuditActor } from '../audit/auth-audit.js';
import { LoginThrottle, type ThrottleKeys } from '../brute-force/login-throttle.service.js';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { acceptTotp } from '../mfa/totp.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { TenantDirectory } from '../tenant-directory/tenant-directory.js';
import { UserCodec } from '../users/user-codec.js';
import { UsersRepository, type UserRow } from '../users/users.repository.js';
import { AccessTokens } from './access-tokens.js';

const INVALID_CREDENTIALS = 'the credentials are not valid';

interface Candidate {
  tenantId: string | undefined;
  user: UserRow | undefined;
}

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

  async login(request: LoginRequest, requestId: string): Promise<TokenPair> {
    const keys = await this.throttleKeys(request);
    const decision = await this.throttle.check(keys);
    if (!decision.allowed) throw new GardienError(ErrorCode.RateLimited, 'too many failed attempts: try again later');

    const candidate = await this.findCandidate(request, requestId);
    const passwordOk = await this.hasher.verify(candidate.user?.password_hash, request.password);
    const { user, tenantId } = candidate;
    if (!passwordOk || !user || !tenantId) return this.fail(keys, tenantId ?? null, user, 'password', requestId);

    const mfaNeeded = user.totp_confirmed || requiresMfa(user.roles);
    if (mfaNeeded) {
      if (!request.totp) throw new GardienError(ErrorCode.MfaRequired, 'a one-time code (TOTP) is required for this account');
      if (!(await this.acceptCode(user, request.totp))) return this.fail(keys, tenantId, user, 'totp', requestId);
    }
    await this.throttle.recordSuccess(keys);
    if (this.hasher.needsRehash(user.password_hash)) await this.rehash(user, request.password);

    const grant = await this.sessions.open(tenantId, user.id, new Date(), mfaNeeded, (manager, sessionId) =>
      auditAuth(manager, { action: 'login.succeeded', tenantId, actor: { type: 'user', id: user.id }, target: { type: 'session', id: sessionId }, details: { mfa: mfaNeeded }, requestId }),
    );
    return this.tokens.pairFor(user, grant.sessionId, mfaNeeded, grant.refreshToken);
  }

  async refresh(request: RefreshRequest, requestId: string): Promise<TokenPair> {
    const grant = await this.sessions.refresh(request.refresh_token);
    const user = await withTenant(this.dataSource, grant.tenantId, (manager) => this.users.findById(manager, grant.userId));
    const tenantActive = grant.tenantId === PLATFORM_TENANT_ID || (await this.directory.resolveId(grant.tenantId, requestId))?.status === 'active';
    if (!user || !tenantActive) {
      await this.sessions.closeSession(grant.tenantId, grant.sessionId, grant.userId);
      throw new GardienError(ErrorCode.Unauthenticated, 'the session is not valid');
    }
    return this.tokens.pairFor(user, grant.sessionId, grant.mfa, grant.refreshToken);
  }

  async logout(caller: Principal): Promise<void> {
    if (caller.kind !== 'user' || !caller.sessionId) throw new GardienError(ErrorCode.Forbidden, 'only a user session can log out');
    await this.sessions.closeSession(caller.tenantId ?? PLATFORM_TENANT_ID, caller.sessionId, caller.id);
  }

  /** The caller's own account; refused once its session has ended (logout, timeout, reuse). */
  async me(caller: Principal): Promise<Me> {
    const tenantId = caller.tenantId ?? PLATFORM_TENANT_ID;
    if (caller.kind !== 'user' || !caller.sessionId || !(await this.sessions.isLive(tenantId, caller.sessionId))) {
      throw new GardienError(ErrorCode.Unauthenticated, 'the session is not valid');
    }
    const user = await withTenant(this.dataSource, tenantId, (manager) => this.users.findById(manager, caller.id));
    if (!user) throw new GardienError(ErrorCode.Unauthenticated, 'the session is not valid');
    return { id: user.id, tenant_id: caller.tenantId, email: await this.codec.openEmail(user), roles: user.roles, mfa_enrolled: user.totp_confirmed };
  }

  /** The tenant (platform for no slug) and the account the login names; either may be missing. */
  private async findCandidate(request: LoginRequest, requestId: string): Promise<Candidate> {
    let tenantId: string | undefined = PLATFORM_TENANT_ID;
    if (request.tenant) {
      const tenant = await this.directory.resolveSlug(request.tenant, requestId);
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

  private async fail(keys: ThrottleKeys, tenantId: string | null, user: UserRow | undefined, factor: 'password' | 'totp', requestId: string): Promise<never> {
    const actor: AuditActor = user ? { type: 'user', id: user.id } : { type: 'system', id: 'unknown-account' };
    await this.throttle.recordFailure(keys, Date.now(), async (manager, outcome) => {
      await auditAuth(manager, { action: 'login.failed', outcome: 'failure', tenantId, actor, details: { factor }, requestId });
      if (outcome.accountLockedNow) await auditAuth(manager, { action: 'login.locked', outcome: 'denied', tenantId, actor, requestId });
    });
    throw new GardienError(ErrorCode.Unauthenticated, INVALID_CREDENTIALS);
  }

  private async rehash(user: UserRow, password: string): Promise<void> {
    const hash = await this.hasher.hash(password);
    await withTenant(this.dataSource, user.tenant_id, (manager) => this.users.setPasswordHash(manager, user.id, hash, new Date()));
  }

  /** Keyed hashes (platform blind-index key) of what the login names and of where it comes from. */
  private async throttleKeys(request: LoginRequest): Promise<ThrottleKeys> {
    const [account, source] = await Promise.all([
      this.blindIndex.compute(PLATFORM_TENANT_ID, 'login_throttle_account', `${request.tenant ?? ''}\n${request.email}`),
      this.blindIndex.compute(PLATFORM_TENANT_ID, 'login_throttle_source', request.source ?? 'unknown'),
    ]);
    return { account: `account:${account}`, source: `source:${source}` };
  }
}

