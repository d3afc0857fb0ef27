// The models a caller may use: those of the catalogue that the runtime serves as described, that
// its tenant allows and that its abilities let it call (an API key: its own models and purposes).
// A caller who may call none gets an empty list, not a refusal.
import { Injectable } from '@nestjs/common';
import { callableModels, defineAbilityFor, isAllowed } from '@gardien/authz';
import type { Caller, CatalogueModel, LlmModel, LlmModelList, LlmModelsOverview } from '@gardien/contracts';
import { CatalogueVerification } from '../catalogue/catalogue-verification.js';
import { ModelCatalogue } from '../catalogue/model-catalogue.js';
import { TenantPolicies } from '../policy/tenant-policies.js';

@Injectable()
export class CallerModels {
  constructor(
    private readonly catalogue: ModelCatalogue,
    private readonly verification: CatalogueVerification,
    private readonly policies: TenantPolicies,
  ) {}

  async of(caller: Caller): Promise<LlmModelList> {
    const { tenantId } = caller;
    if (tenantId === null) return { models: [] };
    const policy = await this.policies.get(tenantId, caller);
    if (!policy.active) return { models: [] };
    const ability = defineAbilityFor(caller.principal);
    // People are not bound to purposes here (each call names its own); purpose-bound callers to theirs.
    const purposes = caller.principal.kind === 'user' && !caller.principal.roles.includes('service') ? [undefined] : (caller.principal.purposes ?? []);
    const models = this.catalogue.models.filter(
      (model) =>
        policy.allowed_models.includes(model.id) &&
        this.verification.serves(model.id) &&
        purposes.some((purpose) => isAllowed(ability, 'invoke', 'ModelCall', { tenantId, purpose: purpose ?? '', model: model.id })),
    );
    return { models: models.map(publicView) };
  }

  /**
   * The ids a caller may call: its tenant's allowed models (an API key: those it is bound to), as
   * the tenant lists them; and for a caller who may change its tenant's settings, every model of
   * the catalogue, whether it is served now and whether the tenant allows it.
   */
  async overview(caller: Caller): Promise<LlmModelsOverview> {
    const { tenantId } = caller;
    if (tenantId === null) return { models: [] };
    const policy = await this.policies.get(tenantId, caller);
    const models = callableModels(caller.principal, tenantId, policy.allowed_models);
    if (!isAllowed(defineAbilityFor(caller.principal), 'update', 'TenantSettings', { tenantId })) return { models };
    const allowed = new Set(policy.allowed_models);
    return { models, catalogue: this.catalogue.models.map((model) => ({ ...publicView(model), served: this.verification.serves(model.id), allowed: allowed.has(model.id) })) };
  }
}

function publicView(model: CatalogueModel): LlmModel {
  return { id: model.id, capabilities: model.capabilities, context_length: model.context_length, owned_by: model.owned_by ?? 'gardien', description: model.description ?? null };
}
