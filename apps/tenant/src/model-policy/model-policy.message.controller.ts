import { Controller } from '@nestjs/common';
import { TENANT_OPERATIONS, type Caller, type ModelPolicy, type TenantSettingsRef } from '@gardien/contracts';
import { CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { ModelPolicyService } from './model-policy.service.js';

@Controller()
export class ModelPolicyMessageController {
  constructor(private readonly policy: ModelPolicyService) {}

  @Handles(TENANT_OPERATIONS.getModelPolicy)
  get(@RequestPayload() ref: TenantSettingsRef, @CurrentCaller() caller: Caller): Promise<ModelPolicy> {
    return this.policy.get(caller, ref.tenant_id);
  }
}
