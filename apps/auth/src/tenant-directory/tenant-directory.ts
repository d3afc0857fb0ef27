// What auth asks the tenant service: which tenant a login names and whether it is active, the
// tenant `gardien bootstrap` creates (and removes again if the accounts cannot be written), whether
// a purpose an API key is bound to exists (asked with the caller's own token), and which models
// the tenant allows (asked as auth: the key's creator, a developer, may not read the settings).
import { Injectable } from '@nestjs/common';
import {
  BusClient,
  Empty,
  ErrorCode,
  GardienError,
  Purpose,
  ResolvedTenant,
  TENANT_SUBJECTS,
  Tenant,
  TenantSettings,
  type CallContext,
  type CreateTenantRequest,
} from '@gardien/contracts';
import { ServiceTokens } from './service-tokens.js';

@Injectable()
export class TenantDirectory {
  constructor(
    private readonly bus: BusClient,
    private readonly tokens: ServiceTokens,
  ) {}

  /** The tenant named by a slug, or undefined if there is none. */
  async resolveSlug(slug: string, requestId: string): Promise<ResolvedTenant | undefined> {
    return this.resolve({ slug }, requestId);
  }

  async resolveId(id: string, requestId: string): Promise<ResolvedTenant | undefined> {
    return this.resolve({ id }, requestId);
  }

  async createTenant(input: CreateTenantRequest, requestId: string): Promise<Tenant> {
    return this.bus.request(TENANT_SUBJECTS.createTenant, input, await this.asAuth(requestId), Tenant, { timeoutMs: 10_000 });
  }

  async deleteTenant(id: string, requestId: string): Promise<void> {
    await this.bus.request(TENANT_SUBJECTS.deleteTenant, { id }, await this.asAuth(requestId), Empty, { timeoutMs: 10_000 });
  }

  /** The models a tenant's settings allow (none when it has no settings, as for a tenant that is gone). */
  async allowedModelsOf(tenantId: string, requestId: string): Promise<string[]> {
    try {
      return (await this.bus.request(TENANT_SUBJECTS.getSettings, { tenant_id: tenantId }, await this.asAuth(requestId), TenantSettings)).allowed_models;
    } catch (error) {
      if (error instanceof GardienError && error.code === ErrorCode.NotFound) return [];
      throw error;
    }
  }

  /** Whether the caller's tenant declares this purpose; asked as the caller, so the tenant service checks its rights. */
  async purposeExists(caller: CallContext, id: string): Promise<boolean> {
    try {
      await this.bus.request(TENANT_SUBJECTS.getPurpose, { id }, caller, Purpose);
      return true;
    } catch (error) {
      if (error instanceof GardienError && error.code === ErrorCode.NotFound) return false;
      throw error;
    }
  }

  private async resolve(query: { slug: string } | { id: string }, requestId: string): Promise<ResolvedTenant | undefined> {
    try {
      return await this.bus.request(TENANT_SUBJECTS.resolveTenant, query, await this.asAuth(requestId), ResolvedTenant);
    } catch (error) {
      if (error instanceof GardienError && error.code === ErrorCode.NotFound) return undefined;
      throw error;
    }
  }

  private async asAuth(requestId: string): Promise<CallContext> {
    return { requestId, token: await this.tokens.current() };
  }
}
