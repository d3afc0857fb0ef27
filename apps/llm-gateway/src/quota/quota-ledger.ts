// Quotas per tenant and per API key, over a minute and a day, held across every replica in
// Postgres. A call is admitted by taking one request and a reservation of tokens (its prompt's
// estimate plus the most it may generate) from each counter that applies, in one transaction and
// in one order: all or none, and two replicas never both take the last unit. Once the call has
// ended the reservation is replaced by the tokens counted; a call that never reached the model
// gives its request and reservation back. What may overshoot: only the tokens of calls whose
// prompt held more tokens than estimated, by that difference (see README, quotas).
//
// Every call of a tenant takes the tenant's counters: the rows that all its calls contend for.
// Admissions (and settlements, in the pipeline) therefore go through the tenant's write batches:
// those waiting share one transaction and one commit. Counters are taken in one order, the
// tenant's day counter first, in admissions and settlements alike: it serves every transaction of
// the tenant as its lock, and two replicas wait for each other, never deadlock.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QuotaLimits, Quotas } from '@gardien/contracts';
import type { TenantWriteBatches } from '@gardien/persistence';
import { GatewayReason, gatewayError } from '../llm-gateway.errors.js';
import { QuotaRepository, type CounterKey } from './quota.repository.js';
import { WINDOW_KINDS, expiredBefore, secondsLeft, windowStart, type WindowKind } from './quota-windows.js';

/** Who a call is counted against. */
export interface QuotaScope {
  tenantId: string;
  /** The API key that calls, if any: counted against its own limits as well as the tenant's. */
  apiKeyId: string | null;
  quotas: Quotas;
}

/** What an admitted call took, to be settled or given back. */
export interface Admission {
  readonly tenantId: string;
  readonly counters: readonly CounterKey[];
  readonly reservedTokens: number;
}

const LIMIT_OF: Record<WindowKind, { requests: keyof QuotaLimits; tokens: keyof QuotaLimits }> = {
  minute: { requests: 'requests_per_minute', tokens: 'tokens_per_minute' },
  day: { requests: 'requests_per_day', tokens: 'tokens_per_day' },
};

/** No limit: beyond what any counter can reach. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

interface Counter {
  key: CounterKey;
  limits: { requests: number; tokens: number };
}

@Injectable()
export class QuotaLedger {
  constructor(
    private readonly batches: TenantWriteBatches,
    private readonly repository: QuotaRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Takes a request and `reservedTokens` from every counter of the scope, or none: QUOTA_EXCEEDED with Retry-After. */
  async admit(scope: QuotaScope, reservedTokens: number): Promise<Admission> {
    const now = this.now();
    const counters = this.countersOf(scope, now);
    const refused = counters.find((counter) => reservedTokens > counter.limits.tokens);
    if (refused) throw exceeded(refused.key.kind, now);
    const refusedAt = await this.batches.run(scope.tenantId, (manager) => this.take(manager, counters, reservedTokens, now));
    if (refusedAt) throw exceeded(refusedAt, now);
    return { tenantId: scope.tenantId, counters: counters.map(({ key }) => key), reservedTokens };
  }

  /**
   * Takes from every counter, or from none: a counter that refuses gives back what those before it
   * took, in the same transaction (the other admissions of the batch stand). The window that refused, if one did.
   */
  private async take(manager: EntityManager, counters: readonly Counter[], reservedTokens: number, now: Date): Promise<WindowKind | null> {
    const taken: CounterKey[] = [];
    for (const counter of counters) {
      const { taken: took, created } = await this.repository.take(manager, counter.key, reservedTokens, counter.limits);
      if (!took) {
        for (const key of taken) await this.repository.adjust(manager, key, { tokens: -reservedTokens, requests: -1 });
        return counter.key.kind;
      }
      taken.push(counter.key);
      if (created) await this.repository.purge(manager, counter.key.tenantId, counter.key.scope, counter.key.kind, expiredBefore(counter.key.kind, now));
    }
    return null;
  }

  /** Replaces the reservation by the tokens the call used, in the transaction given (the meter's). */
  async settle(manager: EntityManager, admission: Admission, usedTokens: number): Promise<void> {
    for (const key of admission.counters) await this.repository.adjust(manager, key, { tokens: usedTokens - admission.reservedTokens, requests: 0 });
  }

  /** Gives back what a call took that never reached the model, in the transaction given. */
  async release(manager: EntityManager, admission: Admission): Promise<void> {
    for (const key of admission.counters) await this.repository.adjust(manager, key, { tokens: -admission.reservedTokens, requests: -1 });
  }

  /** The tenant's counters (its day's first), then the API key's where it has a limit of its own: one order for every replica. */
  private countersOf(scope: QuotaScope, now: Date): Counter[] {
    const counters: Counter[] = [];
    for (const kind of WINDOW_KINDS) {
      const start = windowStart(kind, now);
      const { requests, tokens } = LIMIT_OF[kind];
      counters.push({ key: { tenantId: scope.tenantId, scope: 'tenant', kind, start }, limits: { requests: scope.quotas[requests], tokens: scope.quotas[tokens] } });
      const key = scope.quotas.api_key;
      if (scope.apiKeyId !== null && (key[requests] !== undefined || key[tokens] !== undefined)) {
        counters.push({ key: { tenantId: scope.tenantId, scope: scope.apiKeyId, kind, start }, limits: { requests: key[requests] ?? UNLIMITED, tokens: key[tokens] ?? UNLIMITED } });
      }
    }
    return counters.sort((a, b) => rank(a.key) - rank(b.key) || a.key.scope.localeCompare(b.key.scope) || LOCK_ORDER.indexOf(a.key.kind) - LOCK_ORDER.indexOf(b.key.kind));
  }
}

/** The day's counter before the minute's: the day's changes once a day, the minute's every minute (and a new one purges the last). */
const LOCK_ORDER: readonly WindowKind[] = ['day', 'minute'];
/** The tenant's counters before any API key's. */
const rank = (key: CounterKey) => (key.scope === 'tenant' ? 0 : 1);

function exceeded(kind: WindowKind, now: Date) {
  return gatewayError(GatewayReason.QuotaExceeded, { retryAfterSeconds: secondsLeft(kind, now) });
}
