import { Module } from '@nestjs/common';
import { PurposesModule } from '../purposes/purposes.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { ModelPolicyMessageController } from './model-policy.message.controller.js';
import { ModelPolicyService } from './model-policy.service.js';

/** A tenant's model-call policy, for the gateway (`gardien.v1.tenant.model-policy.get`). */
@Module({ imports: [TenantsModule, SettingsModule, PurposesModule], controllers: [ModelPolicyMessageController], providers: [ModelPolicyService] })
export class ModelPolicyModule {}
