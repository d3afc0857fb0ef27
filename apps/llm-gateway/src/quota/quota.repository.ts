// Queries of llm_quota_counters, run in the caller's transaction (whose tenant row security
// applies); no rule here. Each takes all the counters of a batch in one statement.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WindowKind } from './quota-windows.js';

export interface CounterKey {
  tenantId: string;
  /** 'tenant', or the id of the API key. */
  scope: string;
  kind: WindowKind;
  start: Date;
}

/** A counter's values, as locked. */
export interface CounterValues {
  requests: number;
  tokens: number;
  /** The counter did not exist before (a new window began). */
  created: boolean;
}

/** Requests and tokens of a counter: a change of them (CounterDelta), or what it is set to (CounterSetting). */
export interface CounterAmounts {
  key: CounterKey;
  requests: number;
  tokens: number;
}
export type CounterDelta = CounterAmounts;
export type CounterSetting = CounterAmounts;

/** The key as a string, to find a counter in a map. */
export const counterId = (key: CounterKey) => `${key.scope}|${key.kind}|${key.start.toISOString()}`;

interface LockedRow {
  scope: string;
  window_kind: WindowKind;
  window_start: Date;
  requests: string;
  tokens: string;
  created: boolean;
}

@Injectable()
export class QuotaRepository {
  /**
   * Locks the tenant's counters `keys`, in the order given, creating those of a new window (at
   * zero), and reads them: the row locks order concurrent transactions of every replica, and none
   * takes a unit another took. The upsert's no-op update is what locks a counter that exists.
   */
  async lockAll(manager: EntityManager, tenantId: string, keys: readonly CounterKey[]): Promise<Map<string, CounterValues>> {
    const rows: LockedRow[] = await manager.query(
      `INSERT INTO llm_quota_counters AS counter (tenant_id, scope, window_kind, window_start, requests, tokens)
       SELECT $1, k.scope, k.kind, k.start, 0, 0
         FROM unnest($2::text[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS k(scope, kind, start, ord) ORDER BY k.ord
       ON CONFLICT (tenant_id, scope, window_kind, window_start) DO UPDATE SET requests = counter.requests
       RETURNING counter.scope, counter.window_kind, counter.window_start, counter.requests, counter.tokens, (xmax = 0) AS created`,
      [tenantId, keys.map((key) => key.scope), keys.map((key) => key.kind), keys.map((key) => key.start)],
    );
    const values = new Map<string, CounterValues>();
    for (const row of rows) {
      values.set(counterId({ tenantId, scope: row.scope, kind: row.window_kind, start: row.window_start }), {
        requests: Number(row.requests),
        tokens: Number(row.tokens),
        created: row.created,
      });
    }
    return values;
  }

  /** Sets the counters `values` (locked by lockAll in this transaction) to the requests and tokens given. */
  async setAll(manager: EntityManager, tenantId: string, values: readonly CounterSetting[]): Promise<void> {
    if (values.length === 0) return;
    await manager.query(
      `UPDATE llm_quota_counters counter SET requests = v.requests, tokens = v.tokens
         FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::bigint[], $6::bigint[]) AS v(scope, kind, start, requests, tokens)
        WHERE counter.tenant_id = $1 AND counter.scope = v.scope AND counter.window_kind = v.kind AND counter.window_start = v.start`,
      [tenantId, values.map((v) => v.key.scope), values.map((v) => v.key.kind), values.map((v) => v.key.start), values.map((v) => v.requests), values.map((v) => v.tokens)],
    );
  }

  /** Drops the counters of a scope's windows that ended before `before`. */
  async purge(manager: EntityManager, tenantId: string, scope: string, kind: WindowKind, before: Date): Promise<void> {
    await manager.query('DELETE FROM llm_quota_counters WHERE tenant_id = $1 AND scope = $2 AND window_kind = $3 AND window_start < $4', [tenantId, scope, kind, before]);
  }
}
