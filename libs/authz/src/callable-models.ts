// Which of a tenant's allowed models a principal may call: the one rule behind "the models I may
// use" wherever it is answered (the tenant service on the bus, the gateway's GET /api/v1/models).
// A person is not bound to a purpose here (each call names its own); a purpose-bound caller (an
// API key, a service account) is, to its purposes.
import type { Principal } from '@gardien/contracts';
import { isAllowed } from './authorize.js';
import { defineAbilityFor } from './define-ability.js';

export function callableModels(principal: Principal, tenantId: string, allowedModels: readonly string[]): string[] {
  const ability = defineAbilityFor(principal);
  const purposes = principal.purposes?.length ? principal.purposes : [''];
  return allowedModels.filter((model) => purposes.some((purpose) => isAllowed(ability, 'invoke', 'ModelCall', { tenantId, purpose, model })));
}
