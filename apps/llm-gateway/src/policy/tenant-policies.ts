// Each tenant's model-call policy (allowed models, quotas, guard actions, purposes), asked of the
// tenant service with the gateway's own token and kept for a few seconds: a change of settings,
// a new purpose or a suspension applies to calls within POLICY_TTL_MS. Concurrent calls of one
// tenant share one request. A policy that cannot be read refuses the call (the authorise stage
// fails closed), never falls back to an older one past its time.
import { Injectable } from '@nestjs/common';
import { ServiceTokens } from '@gardien/authz';
import { BusClient, TENANT_OPERATIONS, callContextFor, type CallScope, type ModelPolicy } from '@gardien/contracts';

export const POLICY_TTL_MS = 5_000;
/** Tenants whose policy is kept at once; the oldest go first. */
const MAX_TENANTS = 10_000;

interface Entry {
  policy: Promise<ModelPolicy>;
  until: number;
}

/** Where policies come from: the tenant service over the bus, or a fixed set in tests. */
export abstract class PolicySource {
  abstract fetch(tenantId: string, scope: CallScope): Promise<ModelPolicy>;
}

@Injectable()
export class BusPolicySource extends PolicySource {
  constructor(
    private readonly bus: BusClient,
    private readonly tokens: ServiceTokens,
  ) {
    super();
  }

  async fetch(tenantId: string, scope: CallScope): Promise<ModelPolicy> {
    const token = await this.tokens.forAudience('tenant', scope.requestId);
    return this.bus.call(TENANT_OPERATIONS.getModelPolicy, { tenant_id: tenantId }, callContextFor(scope, token));
  }
}

@Injectable()
export class TenantPolicies {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly source: PolicySource,
    private readonly now: () => number = Date.now,
  ) {}

  get(tenantId: string, scope: CallScope): Promise<ModelPolicy> {
    const now = this.now();
    const cached = this.entries.get(tenantId);
    if (cached && cached.until > now) return cached.policy;
    const policy = this.source.fetch(tenantId, scope);
    this.entries.delete(tenantId);
    this.entries.set(tenantId, { policy, until: now + POLICY_TTL_MS });
    if (this.entries.size > MAX_TENANTS) this.entries.delete(this.entries.keys().next().value!);
    // A failed read is not kept: the next call asks again.
    policy.catch(() => {
      if (this.entries.get(tenantId)?.policy === policy) this.entries.delete(tenantId);
    });
    return policy;
  }
}
