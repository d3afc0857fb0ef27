// Used by migrations of a table that declares a retention: the maintenance role (which the purge
// job uses, and nothing else) may read and delete its rows, and nothing more.
import type { QueryRunner } from 'typeorm';
import { quoteLiteral } from '../sql.js';

export async function allowRetentionPurge(queryRunner: QueryRunner, table: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`invalid table name "${table}"`);
  await queryRunner.query(
    `DO $$ BEGIN EXECUTE format('GRANT SELECT, DELETE ON %I TO %I', ${quoteLiteral(table)}, current_database() || '_maint'); END $$`,
  );
}
