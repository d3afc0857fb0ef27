import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Token signing keys of the platform. Public halves are published in the JWKS; private halves are
 * stored only sealed by the auth service's key ring (platform tenant). Not tenant data: no tenant_id.
 */
export class CreateSigningKeys1732580000000 implements MigrationInterface {
  name = 'CreateSigningKeys1732580000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auth_signing_keys (
        kid text PRIMARY KEY,
        public_jwk jsonb NOT NULL,
        private_key_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        signs_from timestamptz NOT NULL DEFAULT now(),
        signs_until timestamptz NOT NULL,
        published_until timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth_signing_keys');
  }
}
