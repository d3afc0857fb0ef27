import type { MigrationInterface, QueryRunner } from 'typeorm';
import { allowRetentionPurge } from '@gardien/persistence';

/** The retention purge (maintenance role) may delete expired sessions; their refresh tokens cascade. */
export class AllowSessionPurge1732580500000 implements MigrationInterface {
  name = 'AllowSessionPurge1732580500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await allowRetentionPurge(queryRunner, 'auth_sessions');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DO $$ BEGIN EXECUTE format('REVOKE SELECT, DELETE ON auth_sessions FROM %I', current_database() || '_maint'); END $$`);
  }
}
