// Used by migrations: a tenant table gets row-level security, FORCEd so that even its owner
// is subject to it, with one policy that matches rows of the transaction's tenant only.
// A transaction that set no tenant sees no rows and can write none.
import type { QueryRunner } from 'typeorm';
import { quoteIdent } from './sql.js';
import { TENANT_SETTING } from './tenant-context.js';

export const CURRENT_TENANT_SQL = `NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid`;

export async function enableTenantIsolation(queryRunner: QueryRunner, table: string): Promise<void> {
  const t = quoteIdent(table);
  await queryRunner.query(`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`);
  await queryRunner.query(`ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`);
  await queryRunner.query(
    `CREATE POLICY tenant_isolation ON ${t} USING (tenant_id = ${CURRENT_TENANT_SQL}) WITH CHECK (tenant_id = ${CURRENT_TENANT_SQL})`,
  );
}

export async function disableTenantIsolation(queryRunner: QueryRunner, table: string): Promise<void> {
  const t = quoteIdent(table);
  await queryRunner.query(`DROP POLICY IF EXISTS tenant_isolation ON ${t}`);
  await queryRunner.query(`ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY`);
  await queryRunner.query(`ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`);
}
