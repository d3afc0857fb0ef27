// The Postgres key stores and their migration against the machine's Postgres: run as the
// service's runtime role, inside tenant transactions, under row-level security.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_URL, createTestDatabase, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { CryptoErrorCode } from './crypto.errors.js';
import { LocalKms } from './local-kms.js';
import { CreateGardienKeys1732579300000 } from './migrations/1732579300000-create-gardien-keys.js';
import { PostgresSubjectKeyStore, PostgresTenantKeyStore, type SqlExecutor } from './postgres-key-stores.js';
import { SubjectKeyRing } from './subject-key-ring.js';

const prefix = testDatabasePrefix();
let admin: pg.Client;
let runtime: pg.Client;
let dataDir: string;

/** Runs `work` in a transaction of `tenant`, as the services do (rows, TypeORM style, or pg's result). */
async function inTenant<T>(tenant: string | undefined, work: (sql: SqlExecutor) => Promise<T>, rowsOnly = false): Promise<T> {
  await runtime.query('BEGIN');
  try {
    if (tenant) await runtime.query("SELECT set_config('gardien.tenant_id', $1, true)", [tenant]);
    const sql: SqlExecutor = rowsOnly
      ? { query: async (text, parameters) => (await runtime.query(text, parameters)).rows }
      : { query: (text, parameters) => runtime.query(text, parameters) };
    const result = await work(sql);
    await runtime.query('COMMIT');
    return result;
  } catch (error) {
    await runtime.query('ROLLBACK');
    throw error;
  }
}

beforeAll(async () => {
  const url = await createTestDatabase(prefix);
  const database = `${prefix}_db`;
  const adminOfDatabase = new pg.Client({ connectionString: ADMIN_URL });
  await adminOfDatabase.connect();
  await adminOfDatabase.query(`CREATE ROLE "${database}_app" LOGIN NOSUPERUSER NOBYPASSRLS`);
  await adminOfDatabase.end();
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await new CreateGardienKeys1732579300000().up(admin as unknown as QueryRunner);
  const runtimeUrl = new URL(url);
  runtimeUrl.username = `${database}_app`;
  runtime = new pg.Client({ connectionString: runtimeUrl.toString() });
  await runtime.connect();
  dataDir = await mkdtemp(join(tmpdir(), 'gardien-pg-keys-'));
});

afterAll(async () => {
  await runtime?.end();
  await admin?.end();
  await dropTestDatabases(prefix);
  await rm(dataDir, { recursive: true, force: true });
});

describe('PostgresSubjectKeyStore', () => {
  const tenant = randomUUID();
  const other = randomUUID();
  const key = (subject: string, keyId = randomBytes(16).toString('base64url')) => ({ tenant, subject, keyId, wrapped: `local:v1:${subject}` });

  it('inserts once and answers the existing key to later writers', async () => {
    const first = key('s-1');
    expect(await inTenant(tenant, (sql) => new PostgresSubjectKeyStore(sql).putIfAbsent(first))).toEqual(first);
    const second = await inTenant(tenant, (sql) => new PostgresSubjectKeyStore(sql).putIfAbsent(key('s-1')), true);
    expect(second).toEqual(first);
    expect(await inTenant(tenant, (sql) => new PostgresSubjectKeyStore(sql).get(tenant, 's-1'), true)).toEqual(first);
  });

  it('replaces a wrapped form only for the same key id', async () => {
    const stored = key('s-2');
    await inTenant(tenant, (sql) => new PostgresSubjectKeyStore(sql).putIfAbsent(stored));
    await inTenant(tenant, async (sql) => {
      const store = new PostgresSubjectKeyStore(sql);
      expect(await store.replaceWrapped(tenant, 's-2', 'another-key-id-000000', 'local:v2:x')).toBe(false);
      expect(await store.replaceWrapped(tenant, 's-2', stored.keyId, 'local:v2:x')).toBe(true);
      expect((await store.get(tenant, 's-2'))?.wrapped).toBe('local:v2:x');
    });
  });

  it('deletes one row on erasure and remembers the key id', async () => {
    const stored = key('s-3');
    await inTenant(tenant, (sql) => new PostgresSubjectKeyStore(sql).putIfAbsent(stored));
    await inTenant(tenant, async (sql) => {
      const store = new PostgresSubjectKeyStore(sql);
      expect(await store.delete(tenant, 's-3')).toBe(true);
      expect(await store.delete(tenant, 's-3')).toBe(false);
      expect(await store.get(tenant, 's-3')).toBeUndefined();
      expect(await store.wasErased(tenant, stored.keyId)).toBe(true);
      expect(await store.wasErased(tenant, 'never-existed-00000000')).toBe(false);
    });
  });

  it('lists a tenant page by page, and erases a whole tenant', async () => {
    for (const subject of ['p-1', 'p-2', 'p-3', 'p-4', 'p-5']) await inTenant(tenant, (sql) => new PostgresSubjectKeyStore(sql).putIfAbsent(key(subject)));
    await inTenant(tenant, async (sql) => {
      const store = new PostgresSubjectKeyStore(sql);
      const first = await store.listForTenant(tenant, 'p', 2);
      const next = await store.listForTenant(tenant, first[1]!.subject, 2);
      expect([...first, ...next].map((k) => k.subject)).toEqual(['p-1', 'p-2', 'p-3', 'p-4']);
      const all = await store.listForTenant(tenant, undefined, 100);
      await store.deleteAllForTenant(tenant);
      expect(await store.listForTenant(tenant, undefined, 100)).toEqual([]);
      expect(await store.wasErased(tenant, all[0]!.keyId)).toBe(true);
    });
  });

  it("never shows or accepts another tenant's rows (row-level security)", async () => {
    await inTenant(other, (sql) => new PostgresSubjectKeyStore(sql).putIfAbsent({ ...key('secret'), tenant: other }));
    expect(await inTenant(tenant, (sql) => new PostgresSubjectKeyStore(sql).get(other, 'secret'))).toBeUndefined();
    expect(await inTenant(undefined, (sql) => new PostgresSubjectKeyStore(sql).get(other, 'secret'))).toBeUndefined();
    await expect(inTenant(tenant, (sql) => new PostgresSubjectKeyStore(sql).putIfAbsent({ ...key('intruder'), tenant: other }))).rejects.toThrow(
      /row-level security/,
    );
  });

  it('backs a key ring: forgetSubject makes the subject unreadable, other subjects stay readable', async () => {
    const ringTenant = randomUUID();
    const kms = new LocalKms({ service: 'auth', dataDir, masterKey: randomBytes(32) });
    const ring = (sql: SqlExecutor) => new SubjectKeyRing({ service: 'auth', kms, store: new PostgresSubjectKeyStore(sql) });
    const alice = { tenant: ringTenant, subject: 'alice' };
    const bob = { tenant: ringTenant, subject: 'bob' };
    const where = { table: 'users', recordId: 'u1', column: 'email' };
    const [a, b] = await inTenant(ringTenant, async (sql) => [
      await ring(sql).encryptFor(alice, where, 'alice@example.test'),
      await ring(sql).encryptFor(bob, where, 'bob@example.test'),
    ]);
    await inTenant(ringTenant, (sql) => ring(sql).forgetSubject(ringTenant, 'alice'));
    await inTenant(ringTenant, async (sql) => {
      await expect(ring(sql).decryptFor(alice, where, a)).rejects.toMatchObject({ code: CryptoErrorCode.SubjectErased });
      expect(await ring(sql).decryptStringFor(bob, where, b)).toBe('bob@example.test');
    });
    const dump = await admin.query<{ row: string }>('SELECT row_to_json(k)::text AS row FROM gardien_keys.subject_keys k');
    expect(dump.rows.map((r) => r.row).join('\n')).not.toContain('example.test');
  });
});

describe('PostgresTenantKeyStore', () => {
  it('keeps one key per tenant and purpose, rewraps it, and erases it with the tenant', async () => {
    const tenant = randomUUID();
    const key = { tenant, purpose: 'blind-index', keyId: randomBytes(16).toString('base64url'), wrapped: 'local:v1:a' };
    await inTenant(tenant, async (sql) => {
      const store = new PostgresTenantKeyStore(sql);
      expect(await store.putIfAbsent(key)).toEqual(key);
      expect(await store.putIfAbsent({ ...key, keyId: 'other-key-id-0000000000', wrapped: 'local:v1:b' })).toEqual(key);
      expect(await store.replaceWrapped(tenant, 'blind-index', key.keyId, 'local:v2:a')).toBe(true);
      expect(await store.listForTenant(tenant)).toEqual([{ ...key, wrapped: 'local:v2:a' }]);
      await store.deleteAllForTenant(tenant);
      expect(await store.get(tenant, 'blind-index')).toBeUndefined();
    });
  });
});

describe('CreateGardienKeys1732579300000', () => {
  it('is undone by down()', async () => {
    const migration = new CreateGardienKeys1732579300000();
    await migration.down(admin as unknown as QueryRunner);
    const schemas = await admin.query("SELECT 1 FROM pg_namespace WHERE nspname = 'gardien_keys'");
    expect(schemas.rowCount).toBe(0);
    await migration.up(admin as unknown as QueryRunner);
  });
});
