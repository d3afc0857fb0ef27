// What auth asks the tenant service: which tenant a login names and whether it is active, the
// tenant `gardien bootstrap` creates (and removes again if the accounts cannot be written), and,
// for an API key being created, whether its purpose exists and which models the caller may use
// (both asked on the caller's behalf, with the caller's token re-issued for the tenant service, so
// that the tenant service checks the caller's rights), and a tenant's overrides of auth's retention.
// Every call is made within the request being handled: its request id, trace context and deadline
// go on with it.
import { Injectable } from '@nestjs/common';
import {
  BusClient,
  ErrorCode,
  GardienError,
  TENANT_OPERATIONS,
  callContextFor,
  type CallContext,
  type CallScope,
  type Caller,
  type CreateTenantRequest,
  type ResolvedTenant,
  type Tenant,
} from '@gardien/contracts';
import { AudienceTokens } from '../tokens/audience-tokens.service.js';
import { OwnTokens } from '../tokens/own-tokens.js';

@Injectable()
export class TenantDirectory {
  constructor(
    private readonly bus: BusClient,
    private readonly ownTokens: OwnTokens,
    private readonly audienceTokens: AudienceTokens,
  ) {}

  /** The tenant named by a slug, or undefined if there is none. */
  async resolveSlug(slug: string, scope: CallScope): Promise<ResolvedTenant | undefined> {
    return this.resolve({ slug }, scope);
  }

  async resolveId(id: string, scope: CallScope): Promise<ResolvedTenant | undefined> {
    return this.resolve({ id }, scope);
  }

  async createTenant(input: CreateTenantRequest, scope: CallScope): Promise<Tenant> {
    return this.bus.call(TENANT_OPERATIONS.createTenant, input, await this.asAuth(scope));
  }

  async deleteTenant(id: string, scope: CallScope): Promise<void> {
    await this.bus.call(TENANT_OPERATIONS.deleteTenant, { id }, await this.asAuth(scope));
  }

  /** The models the caller may call in its tenant: those the tenant allows (none until its admin allows one). */
  async allowedModelsOf(caller: Caller): Promise<string[]> {
    return (await this.bus.call(TENANT_OPERATIONS.listModels, {}, await this.asCaller(caller))).models;
  }

  /** Whether the caller's tenant declares this purpose; asked as the caller, so the tenant service checks its rights. */
  async purposeExists(caller: Caller, id: string): Promise<boolean> {
    try {
      await this.bus.call(TENANT_OPERATIONS.getPurpose, { id }, await this.asCaller(caller));
      return true;
    } catch (error) {
      if (error instanceof GardienError && error.code === ErrorCode.NotFound) return false;
      throw error;
    }
  }

  /** The tenant's retention overrides of auth's categories (`auth.<kind>`), or undefined if the tenant is gone. */
  async ownRetentionOverrides(tenantId: string, scope: CallScope): Promise<Record<string, number> | undefined> {
    try {
      return (await this.bus.call(TENANT_OPERATIONS.getOwnRetentionOverrides, { tenant_id: tenantId }, await this.asAuth(scope))).retention_days;
    } catch (error) {
      if (error instanceof GardienError && error.code === ErrorCode.NotFound) return undefined;
      throw error;
    }
  }

  private async resolve(query: { slug: string } | { id: string }, scope: CallScope): Promise<ResolvedTenant | undefined> {
    try {
      return await this.bus.call(TENANT_OPERATIONS.resolveTenant, query, await this.asAuth(scope));
    } catch (error) {
      if (error instanceof GardienError && error.code === ErrorCode.NotFound) return undefined;
      throw error;
    }
  }

  /** In auth's own name (its service token), within the request being handled. */
  private async asAuth(scope: CallScope): Promise<CallContext> {
    return callContextFor(scope, await this.ownTokens.forAudience('tenant'));
  }

  /** On the caller's behalf (its token re-issued for the tenant service), within its request. */
  private async asCaller(caller: Caller): Promise<CallContext> {
    const { access_token: token } = await this.audienceTokens.delegate('auth', caller.principal, 'tenant');
    return callContextFor(caller, token);
  }
}
