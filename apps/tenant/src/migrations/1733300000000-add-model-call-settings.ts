import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The settings of model calls the gateway applies: quotas over a minute and a day for requests and
 * tokens, for the tenant and for each of its API keys, and what the guards do (block or flag).
 * Existing rows keep the quotas they had and get the defaults of the others.
 */
export class AddModelCallSettings1733300000000 implements MigrationInterface {
  name = 'AddModelCallSettings1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE tenant_settings SET quotas = '{"requests_per_day": 100000, "tokens_per_minute": 100000, "api_key": {}}'::jsonb || quotas`);
    await queryRunner.query(`ALTER TABLE tenant_settings ADD COLUMN guards jsonb NOT NULL DEFAULT '{"injection": "block", "output_leaks": "flag"}'::jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE tenant_settings DROP COLUMN guards');
    await queryRunner.query(`UPDATE tenant_settings SET quotas = quotas - 'requests_per_day' - 'tokens_per_minute' - 'api_key'`);
  }
}
