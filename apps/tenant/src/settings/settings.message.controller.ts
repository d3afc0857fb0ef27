import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  TENANT_SUBJECTS,
  TenantSettingsRef,
  UpdateTenantSettingsRequest,
  type CallContext,
  type Principal,
  type TenantSettings,
} from '@gardien/contracts';
import { BusAuthGuard, Caller, CurrentPrincipal, ZodPayloadPipe } from '@gardien/platform';
import { actingFrom } from '../callers.js';
import { SettingsService } from './settings.service.js';

@Controller()
@UseGuards(BusAuthGuard)
export class SettingsMessageController {
  constructor(private readonly settings: SettingsService) {}

  @MessagePattern(TENANT_SUBJECTS.getSettings)
  get(
    @Payload(new ZodPayloadPipe(TenantSettingsRef)) ref: TenantSettingsRef,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<TenantSettings> {
    return this.settings.get(actingFrom(principal, caller), ref.tenant_id);
  }

  @MessagePattern(TENANT_SUBJECTS.updateSettings)
  update(
    @Payload(new ZodPayloadPipe(UpdateTenantSettingsRequest)) request: UpdateTenantSettingsRequest,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<TenantSettings> {
    return this.settings.update(actingFrom(principal, caller), request);
  }
}
