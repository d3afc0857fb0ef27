import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PLATFORM_TENANT_ID } from '@gardien/contracts';
import { enableTenantIsolation } from '@gardien/persistence';

/**
 * The tenants. Each row belongs to the tenant it describes (tenant_id = id), and the platform
 * tenant (the super-admin's transactions, and login resolving a slug) reaches every row. No tenant
 * may take the platform tenant's id: it would see every other tenant.
 */
export class CreateTenants1732581000000 implements MigrationInterface {
  name = 'CreateTenants1732581000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenant_tenants (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenant_tenants_own_row CHECK (tenant_id = id),
        CONSTRAINT tenant_tenants_not_platform CHECK (id <> '${PLATFORM_TENANT_ID}'::uuid)
      )`);
    await enableTenantIsolation(queryRunner, 'tenant_tenants', { platformAccess: true });
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE tenant_tenants');
  }
}
