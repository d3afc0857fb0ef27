import type { MigrationInterface, QueryRunner } from 'typeorm';
import { allowRetentionPurge, enableTenantIsolation } from '@gardien/persistence';

/**
 * Documents, their chunks (text sealed under the subject's data key, or the tenant's document
 * key) and, for the embedded backend, their vectors (float32, little-endian) with the ids and
 * codes a search filters on. Chunks and vectors go with their document (cascade: a deletion, an
 * expiry purged by the maintenance role). `vector_index_versions` counts the changes of each
 * tenant's points per vector space, so that a replica knows when its in-memory index is stale.
 * Every table is its tenant's alone, row-level security FORCEd.
 */
export class CreateVectorStore1733400000000 implements MigrationInterface {
  name = 'CreateVectorStore1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE vector_documents (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        collection text NOT NULL,
        purpose text NOT NULL,
        classification text NOT NULL CHECK (classification IN ('public', 'internal', 'confidential', 'health')),
        owner_id text NOT NULL,
        subject_id uuid,
        metadata jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
        chunks_total integer NOT NULL CHECK (chunks_total >= 0),
        chunks_done integer NOT NULL DEFAULT 0 CHECK (chunks_done >= 0),
        failure text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX vector_documents_subject ON vector_documents (tenant_id, subject_id)');
    await queryRunner.query('CREATE INDEX vector_documents_created ON vector_documents (created_at)');
    await queryRunner.query(`
      CREATE TABLE vector_chunks (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        document_id uuid NOT NULL REFERENCES vector_documents (id) ON DELETE CASCADE,
        subject_id uuid,
        ordinal integer NOT NULL,
        text text NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (document_id, ordinal)
      )`);
    await queryRunner.query('CREATE INDEX vector_chunks_subject ON vector_chunks (tenant_id, subject_id)');
    await queryRunner.query(`
      CREATE TABLE vector_points (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        document_id uuid NOT NULL REFERENCES vector_documents (id) ON DELETE CASCADE,
        space text NOT NULL,
        collection text NOT NULL,
        purpose text NOT NULL,
        classification text NOT NULL,
        owner_id text NOT NULL,
        subject_id uuid,
        metadata jsonb NOT NULL DEFAULT '{}',
        vector bytea NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX vector_points_space ON vector_points (tenant_id, space)');
    await queryRunner.query('CREATE INDEX vector_points_document ON vector_points (document_id)');
    await queryRunner.query('CREATE INDEX vector_points_subject ON vector_points (tenant_id, subject_id)');
    await queryRunner.query(`
      CREATE TABLE vector_index_versions (
        tenant_id uuid NOT NULL,
        space text NOT NULL,
        version bigint NOT NULL,
        PRIMARY KEY (tenant_id, space)
      )`);
    for (const table of ['vector_documents', 'vector_chunks', 'vector_points', 'vector_index_versions']) await enableTenantIsolation(queryRunner, table);
    await allowRetentionPurge(queryRunner, 'vector_documents');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['vector_index_versions', 'vector_points', 'vector_chunks', 'vector_documents']) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
