// The key tables of a service, in their own schema `gardien_keys` so that operators can back them
// up (and let the backups age out) on a shorter retention than the data: once the key backups
// older than an erasure are gone, the erased data is unreadable in every data backup too.
// Row-level security as on every tenant table (same policy as libs/persistence's
// enableTenantIsolation, written out here because libs/persistence will depend on libs/crypto).
// The runtime role (`<database>_app`) may read and write the rows, nothing more.
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['subject_keys', 'erased_subject_keys', 'tenant_keys'] as const;
const CURRENT_TENANT = `NULLIF(current_setting('gardien.tenant_id', true), '')::uuid`;

export class CreateGardienKeys1732579300000 implements MigrationInterface {
  name = 'CreateGardienKeys1732579300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA gardien_keys');
    await queryRunner.query(`
      CREATE TABLE gardien_keys.subject_keys (
        tenant_id uuid NOT NULL,
        subject_id text NOT NULL,
        key_id text NOT NULL,
        wrapped_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rewrapped_at timestamptz,
        PRIMARY KEY (tenant_id, subject_id),
        UNIQUE (tenant_id, key_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE gardien_keys.erased_subject_keys (
        tenant_id uuid NOT NULL,
        key_id text NOT NULL,
        erased_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE gardien_keys.tenant_keys (
        tenant_id uuid NOT NULL,
        purpose text NOT NULL,
        key_id text NOT NULL,
        wrapped_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rewrapped_at timestamptz,
        PRIMARY KEY (tenant_id, purpose)
      )`);
    for (const table of TABLES) {
      await queryRunner.query(`ALTER TABLE gardien_keys.${table} ENABLE ROW LEVEL SECURITY`);
      await queryRunner.query(`ALTER TABLE gardien_keys.${table} FORCE ROW LEVEL SECURITY`);
      await queryRunner.query(
        `CREATE POLICY tenant_isolation ON gardien_keys.${table} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT})`,
      );
    }
    await queryRunner.query(
      `DO $$ BEGIN
         EXECUTE format('GRANT USAGE ON SCHEMA gardien_keys TO %I', current_database() || '_app');
         EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA gardien_keys TO %I', current_database() || '_app');
       END $$`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP SCHEMA gardien_keys CASCADE');
  }
}
