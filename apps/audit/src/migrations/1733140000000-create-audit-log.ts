import type { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantIsolation } from '@gardien/persistence';

/** Every table of the log: written once, never changed. */
export const AUDIT_LOG_TABLES = ['audit_entries', 'audit_nodes', 'audit_tree_heads', 'audit_signing_keys'] as const;

/**
 * The audit log: one Merkle tree (RFC 9162) per tenant, and the platform's under the platform
 * tenant's id. Entries hold metadata only (no personal data: nothing here is ever erased); each is
 * stored as the JCS text that was hashed, its leaf hash beside it. audit_nodes keeps the root of
 * every complete subtree above the leaves, so that a root or a proof reads a few dozen rows.
 *
 * Append-only for everyone: the runtime role is granted INSERT and SELECT only, and a trigger
 * refuses UPDATE, DELETE and TRUNCATE whoever asks, the owner included. A log's size is its last
 * index plus one, so no counter needs updating either.
 */
export class CreateAuditLog1733140000000 implements MigrationInterface {
  name = 'CreateAuditLog1733140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_entries (
        tenant_id uuid NOT NULL,
        idx bigint NOT NULL CHECK (idx >= 0),
        id uuid NOT NULL,
        ts timestamptz NOT NULL,
        service text NOT NULL,
        action text NOT NULL,
        outcome text NOT NULL,
        actor_type text NOT NULL,
        actor_id text NOT NULL,
        target_type text,
        target_id text,
        entry text NOT NULL,
        leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
        appended_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, idx),
        UNIQUE (tenant_id, id)
      )`);
    await queryRunner.query('CREATE INDEX audit_entries_ts ON audit_entries (tenant_id, ts)');
    await queryRunner.query('CREATE INDEX audit_entries_action ON audit_entries (tenant_id, action, idx)');
    await queryRunner.query('CREATE INDEX audit_entries_actor ON audit_entries (tenant_id, actor_id, idx)');
    await queryRunner.query('CREATE INDEX audit_entries_target ON audit_entries (tenant_id, target_id, idx)');
    await queryRunner.query(`
      CREATE TABLE audit_nodes (
        tenant_id uuid NOT NULL,
        level smallint NOT NULL CHECK (level >= 1),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (tenant_id, level, idx)
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_tree_heads (
        tenant_id uuid NOT NULL,
        tree_size bigint NOT NULL CHECK (tree_size >= 0),
        signed_at timestamptz NOT NULL,
        root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
        key_id text NOT NULL,
        head text NOT NULL,
        PRIMARY KEY (tenant_id, tree_size, signed_at)
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_signing_keys (
        key_id text PRIMARY KEY,
        public_x text NOT NULL,
        private_key_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of ['audit_entries', 'audit_nodes', 'audit_tree_heads']) await enableTenantIsolation(queryRunner, table);
    await queryRunner.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of AUDIT_LOG_TABLES) {
      // Per statement, not per row: refused even when row security or a WHERE clause leaves no row to change.
      await queryRunner.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
      await queryRunner.query(`DO $$ BEGIN EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM %I', current_database() || '_app'); END $$`);
    }
  }

  async down(): Promise<void> {
    // An audit log is not rolled back: dropping it is an operator's act outside the migrations.
    throw new Error('the audit log migration cannot be reverted');
  }
}
