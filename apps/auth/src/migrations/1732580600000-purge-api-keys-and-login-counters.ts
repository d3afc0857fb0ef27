import type { MigrationInterface, QueryRunner } from 'typeorm';
import { allowRetentionPurge } from '@gardien/persistence';

/**
 * The retention purge (maintenance role) deletes API keys 90 days after their expiry, and login
 * counters a day after they last changed: `updated_at`, set on every write, since a counter given
 * back to zero has no failure time to run from.
 */
export class PurgeApiKeysAndLoginCounters1732580600000 implements MigrationInterface {
  name = 'PurgeApiKeysAndLoginCounters1732580600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE auth_login_throttle ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()');
    await allowRetentionPurge(queryRunner, 'auth_login_throttle');
    await allowRetentionPurge(queryRunner, 'auth_api_keys');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['auth_login_throttle', 'auth_api_keys']) {
      await queryRunner.query(`DO $$ BEGIN EXECUTE format('REVOKE SELECT, DELETE ON ${table} FROM %I', current_database() || '_maint'); END $$`);
    }
    await queryRunner.query('ALTER TABLE auth_login_throttle DROP COLUMN updated_at');
  }
}
