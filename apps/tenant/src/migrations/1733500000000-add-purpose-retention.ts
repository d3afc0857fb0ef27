import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The retention a purpose may declare, in days (1 to 3650); null: none (each service keeps to its own period). */
export class AddPurposeRetention1733500000000 implements MigrationInterface {
  name = 'AddPurposeRetention1733500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE tenant_purposes ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 3650)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE tenant_purposes DROP COLUMN retention_days');
  }
}
