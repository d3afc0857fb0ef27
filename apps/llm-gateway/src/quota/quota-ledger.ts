// Quotas per tenant and per API key, over a minute and a day, held across every replica in
// Postgres. A call is admitted by taking one request and a reservation of tokens (its prompt's
// estimate plus the most it may generate) from each counter that applies, all or none, and two
// replicas never both take the last unit. Once the call has ended the reservation is replaced by
// the tokens counted; a call that never reached the model gives its request and reservation back.
// What may overshoot: the tokens of calls whose prompt held more tokens than estimated, by that
// difference, and after a crash of Postgres the admissions of its last few hundred milliseconds
// (see below and README, quotas).
//
// Every call of a tenant takes the tenant's counters: the rows that all its calls contend for.
// Admissions, and the adjustments that settle or give back what calls took (those wait for the
// tenant's next admission, and go in its batch), go through the tenant's batches: those waiting are applied together, in the order they came, in one transaction
// of four statements whatever their number (lock and read every counter of the batch, apply the
// adjustments and decide each call in memory, write what the counters hold, commit). Counters are
// locked in one order, the tenant's day counter first: it serves every transaction of the tenant
// as its lock, and two replicas wait for each other, never deadlock. These transactions commit
// asynchronously: they change counts only, and a crash of Postgres that loses the last few hundred
// milliseconds of them loses counts (a bounded overshoot, or a reservation never given back), never
// an audit entry or a use: those are the settlement's (CallSettlements), durable, and written
// apart, so that no admission ever waits for a flush of the WAL.
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { QuotaLimits, Quotas } from '@gardien/contracts';
import { TenantBatches } from '@gardien/persistence';
import { GatewayReason, gatewayError } from '../llm-gateway.errors.js';
import { QuotaRepository, counterId, type CounterDelta, type CounterKey, type CounterValues } from './quota.repository.js';
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

interface AdmissionRequest {
  scope: QuotaScope;
  reservedTokens: number;
}

type AdmissionOutcome = { counters: readonly CounterKey[] } | { refusedAt: WindowKind; at: Date };

/** How long adjustments wait for an admission of their tenant to go with. */
const ADJUST_DELAY_MS = 100;

interface WaitingAdjustments {
  deltas: CounterDelta[];
  callers: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
  timer: NodeJS.Timeout;
}

/** What the tenant's batches take: an admission to decide, or changes to apply. */
type LedgerItem = { admit: AdmissionRequest } | { adjust: readonly CounterDelta[] };

@Injectable()
export class QuotaLedger implements OnApplicationShutdown {
  private readonly batches: TenantBatches<LedgerItem, AdmissionOutcome | null>;
  /** Adjustments of each tenant waiting for its next admission (or their delay). */
  private readonly waiting = new Map<string, WaitingAdjustments>();

  constructor(
    dataSource: DataSource,
    private readonly repository: QuotaRepository,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.batches = new TenantBatches(dataSource, (manager, items, tenantId) => this.applyAll(manager, tenantId, items), { synchronousCommit: false });
  }

  /** Takes a request and `reservedTokens` from every counter of the scope, or none: QUOTA_EXCEEDED with Retry-After. */
  async admit(scope: QuotaScope, reservedTokens: number): Promise<Admission> {
    const now = this.now();
    // A reservation over a token limit fits no window, now or later: refused without asking the
    // database, and not as a quota to wait for (a client obeying Retry-After would wait forever).
    if (this.countersOf(scope, now).some((counter) => reservedTokens > counter.limits.tokens)) throw gatewayError(GatewayReason.CallOverQuota);
    this.sendWaiting(scope.tenantId);
    const outcome = (await this.batches.run(scope.tenantId, { admit: { scope, reservedTokens } }))!;
    if ('refusedAt' in outcome) throw exceeded(outcome.refusedAt, outcome.at);
    return { tenantId: scope.tenantId, counters: outcome.counters, reservedTokens };
  }

  /**
   * Applies a settlement's or a release's changes (settlement(), release()); resolves once
   * committed. They wait for the tenant's next admission in this process and go in its batch, ahead
   * of it (an admission is always decided with the changes asked for before it), or, if none
   * comes within ADJUST_DELAY_MS, in a batch of their own: a call then costs no transaction of its
   * own for its counters.
   */
  adjust(tenantId: string, deltas: readonly CounterDelta[]): Promise<void> {
    if (deltas.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let waiting = this.waiting.get(tenantId);
      if (!waiting) {
        const timer = setTimeout(() => this.sendWaiting(tenantId), ADJUST_DELAY_MS);
        timer.unref();
        waiting = { deltas: [], callers: [], timer };
        this.waiting.set(tenantId, waiting);
      }
      waiting.deltas.push(...deltas);
      waiting.callers.push({ resolve, reject });
    });
  }

  /** Resolves once every admission and adjustment asked for so far has been written. */
  async drained(): Promise<void> {
    for (const tenantId of [...this.waiting.keys()]) this.sendWaiting(tenantId);
    await this.batches.drained();
  }

  /** What is queued is written before the process ends: an adjustment left behind would count a reservation as used. */
  async onApplicationShutdown(): Promise<void> {
    await this.drained();
  }

  /** Queues the tenant's waiting adjustments, as one item. */
  private sendWaiting(tenantId: string): void {
    const waiting = this.waiting.get(tenantId);
    if (!waiting) return;
    this.waiting.delete(tenantId);
    clearTimeout(waiting.timer);
    this.batches.run(tenantId, { adjust: waiting.deltas }).then(
      () => waiting.callers.forEach((caller) => caller.resolve()),
      (error: unknown) => waiting.callers.forEach((caller) => caller.reject(error)),
    );
  }

  /** What settling a call changes: its reservation replaced by the tokens it used. */
  settlement(admission: Admission, usedTokens: number): CounterDelta[] {
    return admission.counters.map((key) => ({ key, requests: 0, tokens: usedTokens - admission.reservedTokens }));
  }

  /** What giving back a call that never reached the model changes: its request and reservation. */
  release(admission: Admission): CounterDelta[] {
    return admission.counters.map((key) => ({ key, requests: -1, tokens: -admission.reservedTokens }));
  }

  /**
   * A batch of one tenant, in the order its items came: adjustments change their counters (never
   * below zero); an admission takes from every counter of its scope, or from none (the window that
   * refused). The counters are locked and read once, and what they then hold written once.
   */
  private async applyAll(manager: EntityManager, tenantId: string, items: readonly LedgerItem[]): Promise<Array<AdmissionOutcome | null>> {
    const now = this.now();
    const countersOf = items.map((item) => ('admit' in item ? this.countersOf(item.admit.scope, now) : []));
    // A counter of a window that no longer decides anything (purged, or about to be) is not adjusted.
    const adjusted = (item: LedgerItem) => ('adjust' in item ? item.adjust.filter(({ key }) => key.start >= expiredBefore(key.kind, now)) : []);
    const keys = inLockOrder(items.flatMap((item, i) => [...countersOf[i]!.map(({ key }) => key), ...adjusted(item).map(({ key }) => key)]));
    const values = await this.repository.lockAll(manager, tenantId, keys);
    const valueOf = (key: CounterKey): CounterValues => {
      const value = values.get(counterId(key));
      if (!value) throw new Error('a quota counter was neither created nor locked');
      return value;
    };
    const changed = new Map<string, CounterKey>();
    const outcomes = items.map((item, i): AdmissionOutcome | null => {
      if ('adjust' in item) {
        for (const { key, requests, tokens } of adjusted(item)) {
          const value = valueOf(key);
          value.requests = Math.max(0, value.requests + requests);
          value.tokens = Math.max(0, value.tokens + tokens);
          changed.set(counterId(key), key);
        }
        return null;
      }
      const { reservedTokens } = item.admit;
      const counters = countersOf[i]!;
      const refused = counters.find(({ key, limits }) => {
        const value = valueOf(key);
        return value.requests + 1 > limits.requests || value.tokens + reservedTokens > limits.tokens;
      });
      if (refused) return { refusedAt: refused.key.kind, at: now };
      for (const { key } of counters) {
        const value = valueOf(key);
        value.requests += 1;
        value.tokens += reservedTokens;
        changed.set(counterId(key), key);
      }
      return { counters: counters.map(({ key }) => key) };
    });
    await this.repository.setAll(
      manager,
      tenantId,
      [...changed.values()].map((key) => ({ key, requests: valueOf(key).requests, tokens: valueOf(key).tokens })),
    );
    for (const key of keys) {
      if (valueOf(key).created) await this.repository.purge(manager, tenantId, key.scope, key.kind, expiredBefore(key.kind, now));
    }
    return outcomes;
  }

  /** The tenant's counters, then the API key's where it has a limit of its own. */
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
    return counters.sort((a, b) => compareForLock(a.key, b.key));
  }
}

/** The day's counter before the minute's: the day's changes once a day, the minute's every minute (and a new one purges the last). */
const LOCK_ORDER: readonly WindowKind[] = ['day', 'minute'];
/** The tenant's counters before any API key's. */
const rank = (key: CounterKey) => (key.scope === 'tenant' ? 0 : 1);

/** One order for every replica: the tenant's day counters first (by day), then its minutes, then the API keys'. */
function compareForLock(a: CounterKey, b: CounterKey): number {
  return (
    rank(a) - rank(b) ||
    LOCK_ORDER.indexOf(a.kind) - LOCK_ORDER.indexOf(b.kind) ||
    a.start.getTime() - b.start.getTime() ||
    (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0)
  );
}

/** The distinct keys, in lock order. */
function inLockOrder(keys: readonly CounterKey[]): CounterKey[] {
  const distinct = new Map(keys.map((key) => [counterId(key), key]));
  return [...distinct.values()].sort(compareForLock);
}

function exceeded(kind: WindowKind, now: Date) {
  return gatewayError(GatewayReason.QuotaExceeded, { retryAfterSeconds: secondsLeft(kind, now) });
}
