// How many model calls run at once in this replica: per tenant, and in all. The quotas count what
// calls start in a minute or a day; this bounds what holds the runtime at the same time, so that
// one tenant's long streams cannot fill the runtime's queue for every other tenant, and a flood
// of calls is refused at once (429, retry in a second) rather than queued until the service falls
// over. Held in memory, per replica: each replica protects itself and the runtime it calls.
import { GatewayReason, gatewayError } from '../llm-gateway.errors.js';

/** A place taken by one call; given back once, whatever happens to the call. */
export interface InFlightSlot {
  release(): void;
}

export interface InFlightLimitsOptions {
  perTenant: number;
  overall: number;
}

export class InFlightLimits {
  private readonly byTenant = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: InFlightLimitsOptions) {}

  /** Takes a place for a call of the tenant, or refuses it: too_many_calls, retry after a second. */
  acquire(tenantId: string): InFlightSlot {
    const ofTenant = this.byTenant.get(tenantId) ?? 0;
    if (ofTenant >= this.limits.perTenant || this.total >= this.limits.overall) {
      throw gatewayError(GatewayReason.TooManyCalls, { retryAfterSeconds: 1 });
    }
    this.byTenant.set(tenantId, ofTenant + 1);
    this.total += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        const left = (this.byTenant.get(tenantId) ?? 1) - 1;
        if (left === 0) this.byTenant.delete(tenantId);
        else this.byTenant.set(tenantId, left);
      },
    };
  }

  /** Calls running now: in all, and of one tenant. */
  running(tenantId?: string): number {
    return tenantId === undefined ? this.total : (this.byTenant.get(tenantId) ?? 0);
  }
}
