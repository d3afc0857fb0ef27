// What auth asks the tenant service: which tenant a login names and whether it is active, the
// tenant `gardien bootstrap` creates (and removes again if the accounts cannot be written), and,
// for an API key being created, whether its purpose exists and which models the caller may use
// (both asked on the caller's behalf, with the caller's token re-issued for the tenant service, so
// that the tenant service checks the caller's rights), and a tenant's overrides of auth's retention.
import { Injectable } from '@nestjs/common';
import {
  BusClient,
  ErrorCode,
  GardienError,
  TENANT_OPERATIONS,
  type ResolvedTenant,
  type Tenant,
  type CallContext,
  type CreateTenantRequest,
  type Principal,
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
  async resolveSlug(slug: string, requestId: string): Promise<ResolvedTenant | undefined> {
    return this.resolve({ slug }, requestId);
  }

  async resolveId(id: string, requestId: string): Promise<ResolvedTenant | undefined> {
    return this.resolve({ id }, requestId);
  }

  async createTenant(input: CreateTenantRequest, requestId: string): Promise<Tenant> {
    return this.bus.call(TENANT_OPERATIONS.createTenant, input, await this.asAuth(requestId));
  }

  async deleteTenant(id: string, requestId: string): Promise<void> {
    await this.bus.call(TENANT_OPERATIONS.deleteTenant, { id }, await this.asAuth(requestId));
  }

  /** The models the caller may call in its tenant: those the tenant allows (none until its admin allows one). */
  async allowedModelsOf(principal: Principal, context: CallContext): Promise<string[]> {
    const { access_token: token } = await this.audienceTokens.delegate('auth', principal, 'tenant');
    return (await this.bus.call(TENANT_OPERATIONS.listModels, {}, { ...context, token })).models;
  }

  /** Whether the caller's tenant declares this purpose; asked as the caller, so the tenant service checks its rights. */
  async purposeExists(principal: Principal, context: CallContext, id: string): Promise<boolean> {
    const { access_token: token } = await this.audienceTokens.delegate('auth', principal, 'tenant');
    try {
      await this.bus.call(TENANT_OPERATIONS.getPurpose, { id }, { ...context, token });
      return true;
    } catch (error) {
      if (error instanceof GardienError && error.code === ErrorCode.NotFound) return false;
      throw error;
    }
  }

  /** The tenant's retention overrides of auth's categories (`auth.<kind>`), or undefined if the tenant is gone. */
  async ownRetentionOverrides(tenantId: string, requestId: string): Promise<Record<string, number> | undefined> {
    try {
      return (await this.bus.call(TENANT_OPERATIONS.getOwnRetentionOverrides, { tenant_id: tenantId }, await this.asAuth(requestId))).retention_days;
    } catch (error) {
      if (error instanceof GardienError && error.code === ErrorCode.NotFound) return undefined;
      throw error;
    }
  }

  private async resolve(query: { slug: string } | { id: string }, requestId: string): Promise<ResolvedTenant | undefined> {
    try {
      return await this.bus.call(TENANT_OPERATIONS.resolveTenant, query, await this.asAuth(requestId));
    } catch (error) {
      if (error instanceof GardienError && error.code === ErrorCode.NotFound) return undefined;
      throw error;
    }
  }

  private async asAuth(requestId: string): Promise<CallContext> {
    return { requestId, token: await this.ownTokens.forAudience('tenant') };
  }
}
