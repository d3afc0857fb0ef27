// What GET /api/v1/models answers: the ids a caller may call, and the whole catalogue with what the
// tenant allows for a caller who manages its tenant's settings (and for no one else).
import { randomUUID } from 'node:crypto';
import { callerOf, type CatalogueModel, type ModelPolicy, type Principal } from '@gardien/contracts';
import type { InstalledModel, ModelRuntime } from '@gardien/llm-runtime';
import { createLogger } from '@gardien/observability';
import { CatalogueVerification } from '../catalogue/catalogue-verification.js';
import { ModelCatalogue } from '../catalogue/model-catalogue.js';
import { PolicySource, TenantPolicies } from '../policy/tenant-policies.js';
import { CallerModels } from './caller-models.js';

const digest = 'a'.repeat(64);
const entry = (id: string, name: string): CatalogueModel => ({ id, runtime: 'ollama', name, sha256: digest, capabilities: ['chat'], context_length: 4_096 });
const catalogue = new ModelCatalogue([entry('served', 'served:latest'), entry('missing', 'missing:latest'), entry('not-allowed', 'served:latest')]);
const runtime = { kind: 'ollama', listModels: async (): Promise<InstalledModel[]> => [{ name: 'served:latest', digest }] } as unknown as ModelRuntime;
const tenantId = randomUUID();
const policy: ModelPolicy = {
  tenant_id: tenantId,
  active: true,
  allowed_models: ['served', 'missing', 'elsewhere'],
  quotas: { requests_per_minute: 1, requests_per_day: 1, tokens_per_minute: 1, tokens_per_day: 1, api_key: {} },
  guards: { injection: 'block', output_leaks: 'flag' },
  purposes: [{ id: 'support', legal_basis: 'contract' }],
};
class GivenPolicy extends PolicySource {
  async fetch(): Promise<ModelPolicy> {
    return policy;
  }
}
const as = (principal: Omit<Principal, 'mfa' | 'tenantId'>) => callerOf({ ...principal, tenantId, mfa: true }, { requestId: randomUUID() });

async function models(): Promise<CallerModels> {
  const verification = new CatalogueVerification(catalogue, runtime, createLogger({ service: 'llm-gateway', level: 'silent' }));
  await verification.check();
  return new CallerModels(catalogue, verification, new TenantPolicies(new GivenPolicy()));
}

test('a tenant admin sees the ids the tenant allows and every model of the catalogue, served or not, allowed or not', async () => {
  const overview = await (await models()).overview(as({ kind: 'user', id: randomUUID(), roles: ['tenant_admin'] }));
  expect(overview.catalogue?.map(({ id, served, allowed, owned_by }) => ({ id, served, allowed, owned_by }))).toEqual([
    { id: 'served', served: true, allowed: true, owned_by: 'gardien' },
    { id: 'missing', served: false, allowed: true, owned_by: 'gardien' },
    { id: 'not-allowed', served: true, allowed: false, owned_by: 'gardien' },
  ]);
});

test('a caller of models gets the ids it may call and no catalogue; an API key its own models only', async () => {
  const listing = await models();
  expect(await listing.overview(as({ kind: 'user', id: randomUUID(), roles: ['developer'] }))).toEqual({ models: ['served', 'missing', 'elsewhere'] });
  const key = as({ kind: 'api_key', id: randomUUID(), roles: ['service'], purposes: ['support'], models: ['missing'] });
  expect(await listing.overview(key)).toEqual({ models: ['missing'] });
  expect(await listing.overview(as({ kind: 'user', id: randomUUID(), roles: ['auditor'] }))).toEqual({ models: [] });
});
