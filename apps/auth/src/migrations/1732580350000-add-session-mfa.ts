import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether MFA was satisfied when the session began: tokens renewed by refresh keep saying so. */
export class AddSessionMfa1732580350000 implements MigrationInterface {
  name = 'AddSessionMfa1732580350000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE auth_sessions ADD COLUMN mfa boolean NOT NULL DEFAULT false');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE auth_sessions DROP COLUMN mfa');
  }
}
