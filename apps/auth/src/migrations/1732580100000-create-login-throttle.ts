import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed-login counters per account and per source. Keys are keyed hashes (an email's blind index,
 * an address's HMAC), never the email or the address. Not tenant data: no tenant_id.
 */
export class CreateLoginThrottle1732580100000 implements MigrationInterface {
  name = 'CreateLoginThrottle1732580100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auth_login_throttle (
        key text PRIMARY KEY,
        failures integer NOT NULL DEFAULT 0,
        last_failure_at timestamptz,
        locked_until timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auth_login_throttle');
  }
}
