// Queries of llm_quota_counters, run in the caller's transaction (whose tenant row security
// applies); no rule here.
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

@Injectable()
export class QuotaRepository {
  /**
   * Adds one request and `tokens` to the counter if both stay within their limits, creating the
   * counter for a new window; false (and nothing changed) when a limit would be passed. The row
   * lock of the upsert orders concurrent calls of every replica: none takes a unit another took.
   * `created`: the window's counter did not exist before (a new window began).
   */
  async take(manager: EntityManager, key: CounterKey, tokens: number, limits: { requests: number; tokens: number }): Promise<{ taken: boolean; created: boolean }> {
    const rows: Array<{ created: boolean }> = await manager.query(
      `INSERT INTO llm_quota_counters AS counter (tenant_id, scope, window_kind, window_start, requests, tokens)
       VALUES ($1, $2, $3, $4, 1, $5)
       ON CONFLICT (tenant_id, scope, window_kind, window_start) DO UPDATE
         SET requests = counter.requests + 1, tokens = counter.tokens + EXCLUDED.tokens
         WHERE counter.requests + 1 <= $6 AND counter.tokens + EXCLUDED.tokens <= $7
       RETURNING (xmax = 0) AS created`,
      [key.tenantId, key.scope, key.kind, key.start, tokens, limits.requests, limits.tokens],
    );
    return rows.length === 0 ? { taken: false, created: false } : { taken: true, created: rows[0]!.created };
  }

  /** Changes a counter's tokens by `delta` (never below zero), and its requests by `requests`. */
  async adjust(manager: EntityManager, key: CounterKey, delta: { tokens: number; requests: number }): Promise<void> {
    await manager.query(
      `UPDATE llm_quota_counters SET tokens = GREATEST(0, tokens + $5), requests = GREATEST(0, requests + $6)
        WHERE tenant_id = $1 AND scope = $2 AND window_kind = $3 AND window_start = $4`,
      [key.tenantId, key.scope, key.kind, key.start, delta.tokens, delta.requests],
    );
  }

  /** Drops the counters of a scope's windows that ended before `before`. */
  async purge(manager: EntityManager, tenantId: string, scope: string, kind: WindowKind, before: Date): Promise<void> {
    await manager.query('DELETE FROM llm_quota_counters WHERE tenant_id = $1 AND scope = $2 AND window_kind = $3 AND window_start < $4', [tenantId, scope, kind, before]);
  }
}
