// Queries of llm_usage_daily, run in the caller's transaction (whose tenant row security applies); no rule here.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LlmUsageRow } from '@gardien/contracts';

/** Stands for "no API key" (a call made with an access token) in the key of a row. */
export const NO_API_KEY = '00000000-0000-0000-0000-000000000000';

export interface UsageIncrement {
  tenantId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  model: string;
  apiKeyId: string | null;
  promptTokens: number;
  completionTokens: number;
}

@Injectable()
export class UsageRepository {
  /** Adds the increments of one tenant, summed by day, model and API key, in one statement. */
  async addAll(manager: EntityManager, increments: readonly UsageIncrement[]): Promise<void> {
    const rows = new Map<string, UsageIncrement & { requests: number }>();
    for (const usage of increments) {
      const apiKeyId = (usage.apiKeyId ?? NO_API_KEY).toLowerCase();
      const id = `${usage.tenantId.toLowerCase()}|${usage.day}|${usage.model}|${apiKeyId}`;
      const row = rows.get(id) ?? { ...usage, apiKeyId, requests: 0, promptTokens: 0, completionTokens: 0 };
      row.requests += 1;
      row.promptTokens += usage.promptTokens;
      row.completionTokens += usage.completionTokens;
      rows.set(id, row);
    }
    if (rows.size === 0) return;
    // One order for every replica (the rows' keys), so that two batches of the tenant wait for each other, never deadlock.
    const sums = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
    await manager.query(
      `INSERT INTO llm_usage_daily AS usage (tenant_id, day, model, api_key_id, requests, prompt_tokens, completion_tokens)
       SELECT u.tenant_id, u.day, u.model, u.api_key_id, u.requests, u.prompt_tokens, u.completion_tokens
         FROM unnest($1::uuid[], $2::date[], $3::text[], $4::uuid[], $5::bigint[], $6::bigint[], $7::bigint[]) WITH ORDINALITY
           AS u(tenant_id, day, model, api_key_id, requests, prompt_tokens, completion_tokens, ord)
        ORDER BY u.ord
       ON CONFLICT (tenant_id, day, model, api_key_id) DO UPDATE
         SET requests = usage.requests + EXCLUDED.requests, prompt_tokens = usage.prompt_tokens + EXCLUDED.prompt_tokens, completion_tokens = usage.completion_tokens + EXCLUDED.completion_tokens`,
      [
        sums.map((row) => row.tenantId),
        sums.map((row) => row.day),
        sums.map((row) => row.model),
        sums.map((row) => row.apiKeyId),
        sums.map((row) => row.requests),
        sums.map((row) => row.promptTokens),
        sums.map((row) => row.completionTokens),
      ],
    );
  }

  /** The tenant's rows from `from` to `to` (days, inclusive), at most `limit`. */
  async list(manager: EntityManager, tenantId: string, from: string, to: string, limit: number): Promise<LlmUsageRow[]> {
    const rows: Array<{ day: string; model: string; api_key_id: string; requests: string; prompt_tokens: string; completion_tokens: string }> = await manager.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, model, api_key_id, requests, prompt_tokens, completion_tokens FROM llm_usage_daily
        WHERE tenant_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day, model, api_key_id LIMIT $4`,
      [tenantId, from, to, limit],
    );
    return rows.map((row) => ({
      day: row.day,
      model: row.model,
      api_key_id: row.api_key_id === NO_API_KEY ? null : row.api_key_id,
      requests: Number(row.requests),
      prompt_tokens: Number(row.prompt_tokens),
      completion_tokens: Number(row.completion_tokens),
    }));
  }
}
