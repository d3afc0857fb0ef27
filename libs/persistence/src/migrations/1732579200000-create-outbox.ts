import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The transactional outbox every service shares the shape of. It holds metadata, never personal data. */
export class CreateOutbox1732579200000 implements MigrationInterface {
  name = 'CreateOutbox1732579200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gardien_outbox (
        id uuid PRIMARY KEY,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(
      'CREATE INDEX gardien_outbox_pending ON gardien_outbox (created_at) WHERE published_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE gardien_outbox');
  }
}
