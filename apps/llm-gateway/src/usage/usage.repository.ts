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
  async add(manager: EntityManager, usage: UsageIncrement): Promise<void> {
    await manager.query(
      `INSERT INTO llm_usage_daily AS usage (tenant_id, day, model, api_key_id, requests, prompt_tokens, completion_tokens)
       VALUES ($1, $2, $3, $4, 1, $5, $6)
       ON CONFLICT (tenant_id, day, model, api_key_id) DO UPDATE
         SET requests = usage.requests + 1, prompt_tokens = usage.prompt_tokens + EXCLUDED.prompt_tokens, completion_tokens = usage.completion_tokens + EXCLUDED.completion_tokens`,
      [usage.tenantId, usage.day, usage.model, usage.apiKeyId ?? NO_API_KEY, usage.promptTokens, usage.completionTokens],
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
