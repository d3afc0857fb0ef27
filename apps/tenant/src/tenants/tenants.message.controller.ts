import { Controller } from '@nestjs/common';
import {
  type CreateTenantRequest,
  type Empty,
  type ResolveTenantRequest,
  TENANT_OPERATIONS,
  type TenantRef,
  type Caller,
  type ResolvedTenant,
  type Tenant,
  type TenantList,
} from '@gardien/contracts';
import { CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { TenantsService } from './tenants.service.js';

@Controller()
export class TenantsMessageController {
  constructor(private readonly tenants: TenantsService) {}

  @Handles(TENANT_OPERATIONS.createTenant)
  create(@RequestPayload() request: CreateTenantRequest, @CurrentCaller() caller: Caller): Promise<Tenant> {
    return this.tenants.create(caller, request);
  }

  @Handles(TENANT_OPERATIONS.listTenants)
  list(@CurrentCaller() caller: Caller): Promise<TenantList> {
    return this.tenants.list(caller);
  }

  @Handles(TENANT_OPERATIONS.getTenant)
  get(@RequestPayload() ref: TenantRef, @CurrentCaller() caller: Caller): Promise<Tenant> {
    return this.tenants.get(caller, ref.id);
  }

  @Handles(TENANT_OPERATIONS.suspendTenant)
  suspend(@RequestPayload() ref: TenantRef, @CurrentCaller() caller: Caller): Promise<Tenant> {
    return this.tenants.suspend(caller, ref.id);
  }

  @Handles(TENANT_OPERATIONS.resumeTenant)
  resume(@RequestPayload() ref: TenantRef, @CurrentCaller() caller: Caller): Promise<Tenant> {
    return this.tenants.resume(caller, ref.id);
  }

  @Handles(TENANT_OPERATIONS.deleteTenant)
  delete(@RequestPayload() ref: TenantRef, @CurrentCaller() caller: Caller): Promise<Empty> {
    return this.tenants.delete(caller, ref.id);
  }

  /** Service-to-service: the auth service only (checked by the service). */
  @Handles(TENANT_OPERATIONS.resolveTenant)
  resolve(@RequestPayload() request: ResolveTenantRequest, @CurrentCaller() caller: Caller): Promise<ResolvedTenant> {
    return this.tenants.resolve(caller, request);
  }
}
