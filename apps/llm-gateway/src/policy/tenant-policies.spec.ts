import type { CallScope, ModelPolicy } from '@gardien/contracts';
import { POLICY_TTL_MS, PolicySource, TenantPolicies } from './tenant-policies.js';

const scope: CallScope = { requestId: 'r' };
const policyOf = (tenantId: string, models: string[]): ModelPolicy => ({
  tenant_id: tenantId,
  active: true,
  allowed_models: models,
  quotas: { requests_per_minute: 1, requests_per_day: 1, tokens_per_minute: 1, tokens_per_day: 1, api_key: {} },
  guards: { injection: 'block', output_leaks: 'flag' },
  purposes: [],
});

class CountingSource extends PolicySource {
  asked = 0;
  models = ['a'];
  fail = false;
  async fetch(tenantId: string): Promise<ModelPolicy> {
    this.asked += 1;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.fail) throw new Error('tenant service down');
    return policyOf(tenantId, [...this.models]);
  }
}

test('concurrent calls of a tenant share one read; a change is seen once the policy is older than its time', async () => {
  let now = 0;
  const source = new CountingSource();
  const policies = new TenantPolicies(source, () => now);
  const [first, second] = await Promise.all([policies.get('t1', scope), policies.get('t1', scope)]);
  expect(source.asked).toBe(1);
  expect(first).toBe(second);
  source.models = ['b'];
  now += POLICY_TTL_MS - 1;
  expect((await policies.get('t1', scope)).allowed_models).toEqual(['a']);
  now += 1;
  expect((await policies.get('t1', scope)).allowed_models).toEqual(['b']);
  expect(source.asked).toBe(2);
});

test('tenants are kept apart', async () => {
  const policies = new TenantPolicies(new CountingSource());
  expect((await policies.get('t1', scope)).tenant_id).toBe('t1');
  expect((await policies.get('t2', scope)).tenant_id).toBe('t2');
});

test('a read that failed is not kept: the call fails, the next one asks again', async () => {
  const source = new CountingSource();
  source.fail = true;
  const policies = new TenantPolicies(source);
  await expect(policies.get('t1', scope)).rejects.toThrow('tenant service down');
  await new Promise((resolve) => setImmediate(resolve));
  source.fail = false;
  expect((await policies.get('t1', scope)).tenant_id).toBe('t1');
  expect(source.asked).toBe(2);
});
