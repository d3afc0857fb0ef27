// Used by migrations: a tenant table gets row-level security, FORCEd so that even its owner
// is subject to it, with one policy that matches rows of the transaction's tenant only.
// A transaction that set no tenant sees no rows and can write none.
import type { QueryRunner } from 'typeorm';
import { PLATFORM_TENANT_ID } from '@gardien/contracts';
import { quoteIdent } from './sql.js';
import { TENANT_SETTING } from './tenant-context.js';

export const CURRENT_TENANT_SQL = `NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid`;

export interface TenantIsolationOptions {
  /**
   * Also lets transactions of the platform tenant (PLATFORM_TENANT_ID) read and write every row.
   * Only for the few tables the super-admin manages across tenants (the tenants themselves); a
   * transaction with no tenant set still sees nothing.
   */
  platformAccess?: boolean;
}

export async function enableTenantIsolation(queryRunner: QueryRunner, table: string, options: TenantIsolationOptions = {}): Promise<void> {
  const t = quoteIdent(table);
  const ownRows = `tenant_id = ${CURRENT_TENANT_SQL}`;
  const rule = options.platformAccess ? `(${ownRows} OR ${CURRENT_TENANT_SQL} = '${PLATFORM_TENANT_ID}'::uuid)` : ownRows;
  await queryRunner.query(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
  await queryRunner.query(`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`);
  await queryRunner.query(`CREATE POLICY tenant_isolation ON ${t} USING (${rule}) WITH CHECK (${rule})`);
}

export async function disableTenantIsolation(queryRunner: QueryRunner, table: string): Promise<void> {
  const t = quoteIdent(table);
  await queryRunner.query(`DROP POLICY IF EXISTS tenant_isolation ON ${t}`);
  await queryRunner.query(`ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY`);
  await queryRunner.query(`ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`);
}
