import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantIsolation } from '@gardien/persistence';

/**
 * Sessions (one per login: a family of refresh tokens) and their refresh tokens, stored as SHA-256
 * hashes only. Tenant data: row-level security on both.
 */
export class CreateSessions1732580200000 implements MigrationInterface {
  name = 'CreateSessions1732580200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await queryRunner.query(`
      CREATE TABLE auth_refresh_tokens (
        token_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL,
        session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX auth_refresh_tokens_session ON auth_refresh_tokens (session_id)');
    await enableTenantIsolation(queryRunner, 'auth_sessions');
    await enableTenantIsolation(queryRunner, 'auth_refresh_tokens');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth_refresh_tokens');
    await queryRunner.query('DROP TABLE auth_sessions');
  }
}
