// `gardien bootstrap`, auth's side: creates the super-admin and, optionally, the first tenant (in
// the tenant service) with its administrator, once. Reached only over the bus by the CLI's NATS
// user (the edge's user may not publish the subject), signed with its nkey when auth has its public
// key (see bootstrap.listener). Both accounts are written in one transaction under an advisory
// lock; a unique index allows one super-admin at most, so a second run (or two racing) is refused
// with CONFLICT. A tenant created for a bootstrap that then fails is removed.
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ErrorCode, GardienError, PLATFORM_TENANT_ID, type BootstrapRequest, type BootstrapResult, type CallScope } from '@gardien/contracts';
import { isUniqueViolation, setTenant, withTenant } from '@gardien/persistence';
import { authAudit } from '../auth.audit.js';
import { AuthReason, authError } from '../auth.errors.js';
import { TenantDirectory } from '../tenant-directory/tenant-directory.js';
import { NewAccountFactory, type PreparedAccount } from '../users/new-account.js';
import { UsersRepository } from '../users/users.repository.js';

@Injectable()
export class BootstrapService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly accounts: NewAccountFactory,
    private readonly directory: TenantDirectory,
  ) {}

  async bootstrap(request: BootstrapRequest, scope: CallScope): Promise<BootstrapResult> {
    if (await withTenant(this.dataSource, PLATFORM_TENANT_ID, (manager) => this.users.superadminExists(manager))) throw alreadyDone();
    const admin = await this.accounts.prepare(PLATFORM_TENANT_ID, { ...request.admin, roles: ['superadmin'] });
    if (!request.tenant) {
      await this.accounts.keepOnlyIfWritten([admin], () => this.write(admin, undefined, scope));
      return { superadmin: created(admin) };
    }
    const tenant = await this.directory.createTenant({ slug: request.tenant.slug, name: request.tenant.name }, scope).catch((error: unknown) => {
      // Not "already bootstrapped" (no super-admin exists): the slug is taken, an input to change.
      if (error instanceof GardienError && error.code === ErrorCode.Conflict) {
        throw authError(AuthReason.BootstrapSlugTaken, { details: [{ path: 'payload.tenant.slug', reason: 'already_taken' }] });
      }
      throw error;
    });
    try {
      const tenantAdmin = await this.accounts.prepare(tenant.id, { ...request.tenant.admin, roles: ['tenant_admin'] });
      await this.accounts.keepOnlyIfWritten([admin, tenantAdmin], () => this.write(admin, { tenantId: tenant.id, account: tenantAdmin }, scope));
      return { superadmin: created(admin), tenant: { id: tenant.id, slug: tenant.slug, admin: created(tenantAdmin) } };
    } catch (error) {
      await this.directory.deleteTenant(tenant.id, scope);
      throw error;
    }
  }

  private async write(admin: PreparedAccount, tenant: { tenantId: string; account: PreparedAccount } | undefined, scope: CallScope): Promise<void> {
    try {
      await withTenant(this.dataSource, PLATFORM_TENANT_ID, async (manager) => {
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('gardien.auth.bootstrap'))`);
        if (await this.users.superadminExists(manager)) throw alreadyDone();
        await this.insert(manager, PLATFORM_TENANT_ID, admin, scope);
        if (tenant) {
          await setTenant(manager, tenant.tenantId);
          await this.insert(manager, tenant.tenantId, tenant.account, scope);
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyDone();
      throw error;
    }
  }

  /** Audited as the bootstrap's, a part of the system: no account exists to have done it. */
  private async insert(manager: EntityManager, tenantId: string, account: PreparedAccount, scope: CallScope): Promise<void> {
    await this.users.insert(manager, account.row);
    const author = { system: 'bootstrap', scope };
    await authAudit.record(manager, author, { action: 'user.created', tenantId, targetId: account.row.id, details: { bootstrap: true } });
    await authAudit.record(manager, author, { action: 'mfa.enrolled', tenantId, targetId: account.row.id });
  }
}

function created(account: PreparedAccount): { id: string; totp_uri: string } {
  // Both bootstrap roles require MFA, so the factory always made a secret: anything else is a bug.
  if (!account.totpUri) throw new Error('a bootstrap account was created without MFA');
  return { id: account.row.id, totp_uri: account.totpUri };
}

function alreadyDone(): GardienError {
  return authError(AuthReason.AlreadyBootstrapped);
}
