import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantIsolation } from '@gardien/persistence';

/**
 * Accounts. The email and the TOTP secret are sealed under the user's own data key (erasing the
 * user shreds both); the email is found through a blind index, unique per tenant. The super-admin
 * lives in the platform tenant (all-zero id), and there is at most one: a unique index on a
 * constant, restricted to rows holding the role, makes a second one impossible even for two
 * bootstraps racing each other.
 */
export class CreateUsers1732580300000 implements MigrationInterface {
  name = 'CreateUsers1732580300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auth_users (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        email text NOT NULL,
        email_index text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0),
        totp_secret text,
        totp_confirmed boolean NOT NULL DEFAULT false,
        totp_last_step bigint,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (tenant_id, email_index)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX auth_users_one_superadmin ON auth_users ((true)) WHERE 'superadmin' = ANY (roles)`);
    await enableTenantIsolation(queryRunner, 'auth_users');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth_users');
  }
}
