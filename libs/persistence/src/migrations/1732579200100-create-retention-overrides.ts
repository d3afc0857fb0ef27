import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantIsolation } from '../row-level-security.js';

/** Tenants' shortened retention periods; and what the purge job (maintenance role) may touch. */
export class CreateRetentionOverrides1732579200100 implements MigrationInterface {
  name = 'CreateRetentionOverrides1732579200100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gardien_retention_overrides (
        tenant_id uuid NOT NULL,
        kind text NOT NULL,
        days integer NOT NULL CHECK (days > 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, kind)
      )`);
    await enableTenantIsolation(queryRunner, 'gardien_retention_overrides');
    await queryRunner.query(
      `DO $$ BEGIN
         EXECUTE format('GRANT SELECT ON gardien_retention_overrides TO %I', current_database() || '_maint');
         EXECUTE format('GRANT INSERT ON gardien_outbox TO %I', current_database() || '_maint');
       END $$`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE gardien_retention_overrides');
  }
}
