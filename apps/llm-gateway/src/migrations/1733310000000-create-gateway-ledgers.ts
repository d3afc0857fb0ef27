import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantIsolation } from '@gardien/persistence';

/**
 * What the gateway counts, and nothing of what it is sent: no prompt, answer or identifier is
 * ever written by it.
 *
 * llm_quota_counters: requests and tokens per tenant (scope 'tenant') or per API key (its id) per
 * window ('minute' or 'day', UTC), shared by every replica: a call is admitted by one conditional
 * upsert per counter, so two replicas never both take the last unit. Rows of past windows are
 * purged by the gateway (they decide nothing once their window has ended).
 *
 * llm_usage_daily: requests and tokens per tenant, day, model and API key (the all-zero uuid for
 * calls made with an access token), for the tenant admin's usage report.
 */
export class CreateGatewayLedgers1733310000000 implements MigrationInterface {
  name = 'CreateGatewayLedgers1733310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE llm_quota_counters (
        tenant_id uuid NOT NULL,
        scope text NOT NULL CHECK (scope = 'tenant' OR scope ~ '^[0-9a-f-]{36}$'),
        window_kind text NOT NULL CHECK (window_kind IN ('minute', 'day')),
        window_start timestamptz NOT NULL,
        requests bigint NOT NULL CHECK (requests >= 0),
        tokens bigint NOT NULL CHECK (tokens >= 0),
        PRIMARY KEY (tenant_id, scope, window_kind, window_start)
      )`);
    await queryRunner.query('CREATE INDEX llm_quota_counters_window ON llm_quota_counters (window_start)');
    await queryRunner.query(`
      CREATE TABLE llm_usage_daily (
        tenant_id uuid NOT NULL,
        day date NOT NULL,
        model text NOT NULL,
        api_key_id uuid NOT NULL,
        requests bigint NOT NULL CHECK (requests >= 0),
        prompt_tokens bigint NOT NULL CHECK (prompt_tokens >= 0),
        completion_tokens bigint NOT NULL CHECK (completion_tokens >= 0),
        PRIMARY KEY (tenant_id, day, model, api_key_id)
      )`);
    for (const table of ['llm_quota_counters', 'llm_usage_daily']) await enableTenantIsolation(queryRunner, table);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE llm_usage_daily');
    await queryRunner.query('DROP TABLE llm_quota_counters');
  }
}
