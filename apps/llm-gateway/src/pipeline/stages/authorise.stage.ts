// Stage 1: may this caller call this model for this purpose, in its tenant? The caller's roles
// (the ability factory: auditors and DPOs call no model), the purpose (an API key's own, which a
// call cannot change; a person names one), the model (in the catalogue, able to serve the call,
// allowed by the tenant and by the API key), and a tenant that is active.
import { Injectable } from '@nestjs/common';
import { AuthzReason, authorize, authorizeAny, authzError, defineAbilityFor } from '@gardien/authz';
import type { CatalogueModel, Caller, ModelCapability, ModelPolicy } from '@gardien/contracts';
import { CatalogueVerification } from '../../catalogue/catalogue-verification.js';
import { ModelCatalogue } from '../../catalogue/model-catalogue.js';
import { GatewayReason, gatewayError } from '../../llm-gateway.errors.js';
import { TenantPolicies } from '../../policy/tenant-policies.js';

export interface ModelRequest {
  model: string;
  purpose?: string | undefined;
}

export interface Authorisation {
  tenantId: string;
  /** The API key that calls, when the caller is one (its quotas and usage are its own). */
  apiKeyId: string | null;
  model: CatalogueModel;
  purpose: string;
  policy: ModelPolicy;
}

@Injectable()
export class AuthoriseStage {
  constructor(
    private readonly catalogue: ModelCatalogue,
    private readonly verification: CatalogueVerification,
    private readonly policies: TenantPolicies,
  ) {}

  /** The catalogue's id of the model named, or null when it names none. */
  listed(name: string): string | null {
    return this.catalogue.find(name)?.id ?? null;
  }

  async run(caller: Caller, request: ModelRequest, capability: ModelCapability): Promise<Authorisation> {
    const { principal, tenantId } = caller;
    // The super-admin and the platform's services act for no tenant: no model call is theirs.
    if (tenantId === null) throw authzError(AuthzReason.ActionNotAllowed);
    // Roles that call no model (auditors, DPOs, administrators) are refused first, told nothing of the catalogue or the purposes.
    const ability = defineAbilityFor(principal);
    authorizeAny(ability, 'invoke', 'ModelCall');
    const purpose = purposeOf(caller, request.purpose);
    const model = this.catalogue.find(request.model);
    if (!model) throw gatewayError(GatewayReason.ModelNotFound);
    if (!model.capabilities.includes(capability)) throw gatewayError(GatewayReason.ModelNotCapable);
    // Roles, purpose binding and model binding of the caller, by the one ability factory.
    authorize(ability, 'invoke', 'ModelCall', { tenantId, purpose, model: model.id });
    const policy = await this.policies.get(tenantId, caller);
    if (!policy.active) throw gatewayError(GatewayReason.TenantSuspended);
    if (!policy.allowed_models.includes(model.id)) throw gatewayError(GatewayReason.ModelNotAllowed);
    // Listed, allowed, but not as the catalogue describes it on the runtime (or not checked yet): refused.
    if (!this.verification.serves(model.id)) throw gatewayError(GatewayReason.ModelUnavailable);
    return { tenantId, apiKeyId: principal.kind === 'api_key' ? principal.id : null, model, purpose, policy };
  }
}

/**
 * The purpose of the call. A caller bound to purposes (an API key, a service account) calls for
 * its own: the one it has, or the one of its own that the call names. A person names it.
 */
function purposeOf(caller: Caller, requested: string | undefined): string {
  const { principal } = caller;
  const bound = principal.kind !== 'user' || principal.roles.includes('service');
  if (!bound) {
    if (requested === undefined) throw gatewayError(GatewayReason.PurposeRequired);
    return requested;
  }
  const own = principal.purposes ?? [];
  if (requested !== undefined) {
    if (!own.includes(requested)) throw gatewayError(GatewayReason.PurposeMismatch);
    return requested;
  }
  if (own.length !== 1) throw gatewayError(GatewayReason.PurposeRequired);
  return own[0]!;
}
