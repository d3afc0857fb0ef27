import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantIsolation } from '@gardien/persistence';

/**
 * One row of settings per tenant (allowed models, quotas, retention overrides). Tenant data only:
 * the super-admin reads it in the tenant's own context, never through the platform context.
 * Goes with its tenant (ON DELETE CASCADE; referential actions are not filtered by row security).
 */
export class CreateTenantSettings1732581100000 implements MigrationInterface {
  name = 'CreateTenantSettings1732581100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenant_settings (
        tenant_id uuid PRIMARY KEY REFERENCES tenant_tenants (id) ON DELETE CASCADE,
        allowed_models text[] NOT NULL,
        quotas jsonb NOT NULL,
        retention_days jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await enableTenantIsolation(queryRunner, 'tenant_settings');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE tenant_settings');
  }
}
