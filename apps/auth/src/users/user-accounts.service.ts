// Users of a tenant and their roles, managed by its tenant admin. Every operation checks the
// caller's ability on the concrete user (tenant condition) and runs under row-level security in the
// caller's tenant, so another tenant's user is simply not found. Each change is audited with ids.
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { authorize, defineAbilityFor, isAllowed, requiresMfa } from '@gardien/authz';
import { SubjectKeyRing } from '@gardien/crypto';
import { type GardienError, type CreateInitialAdminRequest, type CreateUserRequest, type CreatedUser, type Caller, type Role, type SetUserRolesRequest, type User } from '@gardien/contracts';
import { isUniqueViolation, withTenant } from '@gardien/persistence';
import { authAudit } from '../auth.audit.js';
import { AuthReason, authError } from '../auth.errors.js';
import { enrolTotp } from '../mfa/totp.js';
import { OwnerApiKeys } from '../api-keys/owner-api-keys.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { TenantDirectory } from '../tenant-directory/tenant-directory.js';
import { NewAccountFactory } from './new-account.js';
import { UserCodec } from './user-codec.js';
import { UsersRepository, type UserRow } from './users.repository.js';

const LIST_LIMIT = 1000;

@Injectable()
export class UserAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly codec: UserCodec,
    private readonly accounts: NewAccountFactory,
    private readonly keyRing: SubjectKeyRing,
    private readonly sessions: SessionsService,
    private readonly apiKeys: OwnerApiKeys,
    private readonly directory: TenantDirectory,
  ) {}

  async create(caller: Caller, input: CreateUserRequest): Promise<CreatedUser> {
    const tenantId = tenantOf(caller);
    authorize(defineAbilityFor(caller.principal), 'create', 'User', { tenantId, id: '' });
    const prepared = await this.accounts.prepare(tenantId, input);
    const { row } = prepared;
    await this.accounts.keepOnlyIfWritten([prepared], () => conflictOnDuplicate(withTenant(this.dataSource, tenantId, async (manager) => {
      await this.users.insert(manager, row);
      await authAudit.record(manager, caller, { action: 'user.created', tenantId, targetId: row.id, details: rolesDetails(row.roles) });
      if (prepared.totpUri) await authAudit.record(manager, caller, { action: 'mfa.enrolled', tenantId, targetId: row.id });
    })));
    const user = await this.view({ ...row, totp_last_step: null, updated_at: row.created_at });
    return prepared.totpUri ? { ...user, totp_uri: prepared.totpUri } : user;
  }

  /** The first administrator of a tenant the super-admin created (once per tenant). */
  async createInitialAdmin(caller: Caller, input: CreateInitialAdminRequest): Promise<CreatedUser> {
    authorize(defineAbilityFor(caller.principal), 'update', 'Tenant', { id: input.tenant_id });
    const tenant = await this.directory.resolveId(input.tenant_id, caller);
    if (tenant?.status !== 'active') throw authError(AuthReason.TenantNotActive);
    // The id as the tenant service knows it: keys are created under it, and must be found again at login.
    const tenantId = tenant.id;
    const prepared = await this.accounts.prepare(tenantId, { email: input.email, password: input.password, roles: ['tenant_admin'] });
    const { row } = prepared;
    await this.accounts.keepOnlyIfWritten([prepared], () => withTenant(this.dataSource, tenantId, async (manager) => {
      await lockAdministrators(manager, tenantId);
      const [existing]: unknown[] = await manager.query(`SELECT 1 FROM auth_users WHERE 'tenant_admin' = ANY (roles) LIMIT 1`);
      if (existing) throw authError(AuthReason.TenantAlreadyHasAdministrator);
      await this.users.insert(manager, row);
      await authAudit.record(manager, caller, { action: 'user.created', tenantId, targetId: row.id, details: rolesDetails(row.roles) });
      await authAudit.record(manager, caller, { action: 'mfa.enrolled', tenantId, targetId: row.id });
    }));
    const user = await this.view({ ...row, totp_last_step: null, updated_at: row.created_at });
    return { ...user, totp_uri: prepared.totpUri! };
  }

  async list(caller: Caller): Promise<User[]> {
    const tenantId = tenantOf(caller);
    const ability = defineAbilityFor(caller.principal);
    const rows = await withTenant(this.dataSource, tenantId, (manager) => this.users.list(manager, LIST_LIMIT));
    const readable = rows.filter((row) => isAllowed(ability, 'read', 'User', { tenantId: row.tenant_id, id: row.id }));
    return Promise.all(readable.map((row) => this.view(row)));
  }

  async get(caller: Caller, id: string): Promise<User> {
    const tenantId = tenantOf(caller);
    const row = await withTenant(this.dataSource, tenantId, (manager) => this.users.findById(manager, id));
    if (!row) throw notFound();
    authorize(defineAbilityFor(caller.principal), 'read', 'User', { tenantId: row.tenant_id, id: row.id });
    return this.view(row);
  }

  /** New roles; if they now require MFA and the user has none, a TOTP secret is created and its URI returned once. */
  async setRoles(caller: Caller, input: SetUserRolesRequest): Promise<CreatedUser> {
    const tenantId = tenantOf(caller);
    const roles = [...new Set(input.roles)];
    const ability = defineAbilityFor(caller.principal);
    const { row, totpUri } = await withTenant(this.dataSource, tenantId, async (manager) => {
      const current = await this.users.lockById(manager, input.id);
      if (!current) throw notFound();
      authorize(ability, 'update', 'Role', { tenantId: current.tenant_id });
      if (current.roles.includes('tenant_admin') && !roles.includes('tenant_admin')) await this.keepOneAdmin(manager, tenantId, current.id);
      const now = new Date();
      await this.users.setRoles(manager, current.id, roles, now);
      let uri: string | undefined;
      if (requiresMfa(roles) && !current.totp_confirmed) {
        const totp = enrolTotp(current.id);
        await this.users.setTotp(manager, current.id, await this.codec.sealTotpSecret(tenantId, current.id, totp.secret), true, now);
        uri = totp.uri;
      }
      await authAudit.record(manager, caller, { action: 'role.changed', tenantId, targetId: current.id, details: rolesDetails(roles) });
      if (uri) await authAudit.record(manager, caller, { action: 'mfa.enrolled', tenantId, targetId: current.id });
      return { row: { ...current, roles, totp_confirmed: current.totp_confirmed || uri !== undefined }, totpUri: uri };
    });
    const user = await this.view(row);
    return totpUri ? { ...user, totp_uri: totpUri } : user;
  }

  /**
   * A new TOTP secret for a user who lost theirs; the old one stops working at once. Whoever held
   * it may hold the account too: every session of the account ends and its API keys are revoked.
   */
  async resetMfa(caller: Caller, id: string): Promise<{ totp_uri: string }> {
    const tenantId = tenantOf(caller);
    const ability = defineAbilityFor(caller.principal);
    return withTenant(this.dataSource, tenantId, async (manager) => {
      const row = await this.users.lockById(manager, id);
      if (!row) throw notFound();
      authorize(ability, 'update', 'User', { tenantId: row.tenant_id, id: row.id });
      if (row.id === caller.principal.id) throw authError(AuthReason.OwnMfaResetRefused);
      const now = new Date();
      const totp = enrolTotp(row.id);
      await this.users.setTotp(manager, row.id, await this.codec.sealTotpSecret(tenantId, row.id, totp.secret), true, now);
      await this.sessions.revokeAllOf(manager, caller, tenantId, row.id, 'mfa-reset', now);
      await this.apiKeys.revokeAll(manager, caller, { tenantId, ownerId: row.id, reason: 'mfa-reset' }, now);
      await authAudit.record(manager, caller, { action: 'mfa.reset', tenantId, targetId: row.id });
      return { totp_uri: totp.uri };
    });
  }

  /** Deletes the account, ends its sessions and shreds its data key (the sealed email becomes unreadable everywhere). */
  async delete(caller: Caller, id: string): Promise<void> {
    const tenantId = tenantOf(caller);
    const ability = defineAbilityFor(caller.principal);
    const deletedId = await withTenant(this.dataSource, tenantId, async (manager) => {
      const row = await this.users.lockById(manager, id);
      if (!row) throw notFound();
      authorize(ability, 'delete', 'User', { tenantId: row.tenant_id, id: row.id });
      if (row.id === caller.principal.id) throw authError(AuthReason.OwnAccountDeletionRefused);
      if (row.roles.includes('tenant_admin')) await this.keepOneAdmin(manager, tenantId, row.id);
      const now = new Date();
      await this.sessions.revokeAllOf(manager, caller, tenantId, row.id, 'account-deleted', now);
      await this.apiKeys.revokeAll(manager, caller, { tenantId, ownerId: row.id, reason: 'account-deleted' }, now);
      await this.users.delete(manager, row.id);
      await authAudit.record(manager, caller, { action: 'user.deleted', tenantId, targetId: row.id });
      return row.id;
    });
    // The id read back from the row: the key ring names keys by the exact string.
    await this.keyRing.forgetSubject(tenantId, deletedId);
  }

  async view(row: UserRow): Promise<User> {
    return {
      id: row.id,
      tenant_id: row.tenant_id,
      email: await this.codec.openEmail(row),
      roles: row.roles,
      mfa_enrolled: row.totp_confirmed,
      created_at: row.created_at.toISOString(),
    };
  }

  /** A tenant keeps at least one administrator: nobody could manage it otherwise. */
  private async keepOneAdmin(manager: EntityManager, tenantId: string, leavingId: string): Promise<void> {
    await lockAdministrators(manager, tenantId);
    const [{ count }]: Array<{ count: number }> = await manager.query(
      `SELECT count(*)::int AS count FROM auth_users WHERE 'tenant_admin' = ANY (roles) AND id <> $1`,
      [leavingId],
    );
    if (count === 0) throw authError(AuthReason.LastAdministrator);
  }
}

/** Serialises changes to a tenant's set of administrators (two demotions racing could leave none). */
async function lockAdministrators(manager: EntityManager, tenantId: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gardien.auth.administrators.${tenantId}`]);
}

/** The caller's tenant; the super-admin has none and manages no users (data protection by design). */
export function tenantOf(caller: Caller): string {
  if (!caller.tenantId) throw authError(AuthReason.TenantRequired);
  return caller.tenantId;
}

function rolesDetails(roles: Role[]): Record<string, boolean> {
  return Object.fromEntries(roles.map((role) => [role.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), true]));
}

/** A second account with the same email in the tenant is a conflict, said without the email. */
export async function conflictOnDuplicate<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUniqueViolation(error)) throw authError(AuthReason.EmailTaken);
    throw error;
  }
}

function notFound(): GardienError {
  return authError(AuthReason.UserNotFound);
}
