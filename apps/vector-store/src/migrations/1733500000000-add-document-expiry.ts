import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A document's own expiry: its ingestion plus the retention of its purpose, at most the platform's
 * ceiling (DOCUMENT_RETENTION_DAYS), fixed when it is accepted. Null for documents accepted before
 * purposes had a retention: the ceiling from their ingestion applies to them, as it did.
 */
export class AddDocumentExpiry1733500000000 implements MigrationInterface {
  name = 'AddDocumentExpiry1733500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE vector_documents ADD COLUMN expires_at timestamptz');
    await queryRunner.query('CREATE INDEX vector_documents_expires ON vector_documents (expires_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX vector_documents_expires');
    await queryRunner.query('ALTER TABLE vector_documents DROP COLUMN expires_at');
  }
}
