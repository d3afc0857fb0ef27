import { Controller } from '@nestjs/common';
import {
  type CreateTenantRequest,
  type Empty,
  type ResolveTenantRequest,
  TENANT_OPERATIONS,
  type TenantRef,
  type CallContext,
  type Principal,
  type ResolvedTenant,
  type Tenant,
  type TenantList,
} from '@gardien/contracts';
import { Caller, CurrentPrincipal, Handles, RequestPayload } from '@gardien/platform';
import { actingFrom } from '../callers.js';
import { TenantsService } from './tenants.service.js';

@Controller()
export class TenantsMessageController {
  constructor(private readonly tenants: TenantsService) {}

  @Handles(TENANT_OPERATIONS.createTenant)
  create(
    @RequestPayload() request: CreateTenantRequest,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<Tenant> {
    return this.tenants.create(actingFrom(principal, caller), request);
  }

  @Handles(TENANT_OPERATIONS.listTenants)
  list(@CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<TenantList> {
    return this.tenants.list(actingFrom(principal, caller));
  }

  @Handles(TENANT_OPERATIONS.getTenant)
  get(@RequestPayload() ref: TenantRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Tenant> {
    return this.tenants.get(actingFrom(principal, caller), ref.id);
  }

  @Handles(TENANT_OPERATIONS.suspendTenant)
  suspend(@RequestPayload() ref: TenantRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Tenant> {
    return this.tenants.suspend(actingFrom(principal, caller), ref.id);
  }

  @Handles(TENANT_OPERATIONS.resumeTenant)
  resume(@RequestPayload() ref: TenantRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Tenant> {
    return this.tenants.resume(actingFrom(principal, caller), ref.id);
  }

  @Handles(TENANT_OPERATIONS.deleteTenant)
  delete(@RequestPayload() ref: TenantRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    return this.tenants.delete(actingFrom(principal, caller), ref.id);
  }

  /** Service-to-service: the auth service only (checked by the service). */
  @Handles(TENANT_OPERATIONS.resolveTenant)
  resolve(
    @RequestPayload() request: ResolveTenantRequest,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<ResolvedTenant> {
    return this.tenants.resolve(actingFrom(principal, caller), request);
  }
}
