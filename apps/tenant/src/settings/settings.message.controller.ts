import { Controller } from '@nestjs/common';
import {
  TENANT_OPERATIONS,
  type TenantSettingsRef,
  type UpdateTenantSettingsRequest,
  type AllowedModels,
  type Caller,
  type OwnRetentionOverrides,
  type TenantSettings,
} from '@gardien/contracts';
import { CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { SettingsService } from './settings.service.js';

@Controller()
export class SettingsMessageController {
  constructor(private readonly settings: SettingsService) {}

  @Handles(TENANT_OPERATIONS.getSettings)
  get(@RequestPayload() ref: TenantSettingsRef, @CurrentCaller() caller: Caller): Promise<TenantSettings> {
    return this.settings.get(caller, ref.tenant_id);
  }

  @Handles(TENANT_OPERATIONS.updateSettings)
  update(@RequestPayload() request: UpdateTenantSettingsRequest, @CurrentCaller() caller: Caller): Promise<TenantSettings> {
    return this.settings.update(caller, request);
  }

  @Handles(TENANT_OPERATIONS.getOwnRetentionOverrides)
  ownRetentionOverrides(@RequestPayload() ref: TenantSettingsRef, @CurrentCaller() caller: Caller): Promise<OwnRetentionOverrides> {
    return this.settings.ownRetentionOverrides(caller, ref.tenant_id);
  }

  @Handles(TENANT_OPERATIONS.listModels)
  listModels(@CurrentCaller() caller: Caller): Promise<AllowedModels> {
    return this.settings.allowedModels(caller);
  }
}
