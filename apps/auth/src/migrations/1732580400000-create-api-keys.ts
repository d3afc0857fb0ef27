import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantIsolation } from '@gardien/persistence';

/**
 * API keys of service accounts: bound to one purpose of processing and optionally to models,
 * stored as SHA-256 hashes of the key (which is 32 random bytes), expiring and revocable.
 */
export class CreateApiKeys1732580400000 implements MigrationInterface {
  name = 'CreateApiKeys1732580400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auth_api_keys (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        name text NOT NULL,
        purpose text NOT NULL,
        models text[],
        key_hash text NOT NULL UNIQUE,
        expires_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX auth_api_keys_owner ON auth_api_keys (tenant_id, owner_id)');
    await enableTenantIsolation(queryRunner, 'auth_api_keys');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth_api_keys');
  }
}
