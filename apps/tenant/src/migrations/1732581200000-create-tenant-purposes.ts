import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantIsolation } from '@gardien/persistence';

/**
 * The purposes of processing each tenant declares (GDPR art. 30), which the gateway and the rights
 * pipeline check against. Ids are the tenant's own: unique within a tenant only. Go with their tenant.
 */
export class CreateTenantPurposes1732581200000 implements MigrationInterface {
  name = 'CreateTenantPurposes1732581200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenant_purposes (
        tenant_id uuid NOT NULL REFERENCES tenant_tenants (id) ON DELETE CASCADE,
        id text NOT NULL,
        name text NOT NULL,
        legal_basis text NOT NULL CHECK (legal_basis IN (
          'consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests')),
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, id)
      )`);
    await enableTenantIsolation(queryRunner, 'tenant_purposes');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE tenant_purposes');
  }
}
