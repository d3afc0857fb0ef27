import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateTenantRequest,
  Empty,
  ResolveTenantRequest,
  TENANT_SUBJECTS,
  TenantRef,
  type CallContext,
  type Principal,
  type ResolvedTenant,
  type Tenant,
  type TenantList,
} from '@gardien/contracts';
import { BusAuthGuard, Caller, CurrentPrincipal, ZodPayloadPipe } from '@gardien/platform';
import { actingFrom } from '../callers.js';
import { TenantsService } from './tenants.service.js';

@Controller()
@UseGuards(BusAuthGuard)
export class TenantsMessageController {
  constructor(private readonly tenants: TenantsService) {}

  @MessagePattern(TENANT_SUBJECTS.createTenant)
  create(
    @Payload(new ZodPayloadPipe(CreateTenantRequest)) request: CreateTenantRequest,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<Tenant> {
    return this.tenants.create(actingFrom(principal, caller), request);
  }

  @MessagePattern(TENANT_SUBJECTS.listTenants)
  list(@Payload(new ZodPayloadPipe(Empty)) _request: Empty, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<TenantList> {
    return this.tenants.list(actingFrom(principal, caller));
  }

  @MessagePattern(TENANT_SUBJECTS.getTenant)
  get(@Payload(new ZodPayloadPipe(TenantRef)) ref: TenantRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Tenant> {
    return this.tenants.get(actingFrom(principal, caller), ref.id);
  }

  @MessagePattern(TENANT_SUBJECTS.suspendTenant)
  suspend(@Payload(new ZodPayloadPipe(TenantRef)) ref: TenantRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Tenant> {
    return this.tenants.suspend(actingFrom(principal, caller), ref.id);
  }

  @MessagePattern(TENANT_SUBJECTS.resumeTenant)
  resume(@Payload(new ZodPayloadPipe(TenantRef)) ref: TenantRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Tenant> {
    return this.tenants.resume(actingFrom(principal, caller), ref.id);
  }

  @MessagePattern(TENANT_SUBJECTS.deleteTenant)
  delete(@Payload(new ZodPayloadPipe(TenantRef)) ref: TenantRef, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    return this.tenants.delete(actingFrom(principal, caller), ref.id);
  }

  /** Service-to-service: the auth service only (checked by the service). */
  @MessagePattern(TENANT_SUBJECTS.resolveTenant)
  resolve(
    @Payload(new ZodPayloadPipe(ResolveTenantRequest)) request: ResolveTenantRequest,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<ResolvedTenant> {
    return this.tenants.resolve(actingFrom(principal, caller), request);
  }
}
