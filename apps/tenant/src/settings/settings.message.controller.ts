import { Controller } from '@nestjs/common';
import {
  TENANT_OPERATIONS,
  type TenantSettingsRef,
  type UpdateTenantSettingsRequest,
  type AllowedModels,
  type CallContext,
  type OwnRetentionOverrides,
  type Principal,
  type TenantSettings,
} from '@gardien/contracts';
import { Caller, CurrentPrincipal, Handles, RequestPayload } from '@gardien/platform';
import { actingFrom } from '../callers.js';
import { SettingsService } from './settings.service.js';

@Controller()
export class SettingsMessageController {
  constructor(private readonly settings: SettingsService) {}

  @Handles(TENANT_OPERATIONS.getSettings)
  get(
    @RequestPayload() ref: TenantSettingsRef,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<TenantSettings> {
    return this.settings.get(actingFrom(principal, caller), ref.tenant_id);
  }

  @Handles(TENANT_OPERATIONS.updateSettings)
  update(
    @RequestPayload() request: UpdateTenantSettingsRequest,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<TenantSettings> {
    return this.settings.update(actingFrom(principal, caller), request);
  }

  @Handles(TENANT_OPERATIONS.getOwnRetentionOverrides)
  ownRetentionOverrides(
    @RequestPayload() ref: TenantSettingsRef,
    @CurrentPrincipal() principal: Principal,
    @Caller() caller: CallContext,
  ): Promise<OwnRetentionOverrides> {
    return this.settings.ownRetentionOverrides(actingFrom(principal, caller), ref.tenant_id);
  }

  @Handles(TENANT_OPERATIONS.listModels)
  listModels(@CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<AllowedModels> {
    return this.settings.allowedModels(actingFrom(principal, caller));
  }
}
