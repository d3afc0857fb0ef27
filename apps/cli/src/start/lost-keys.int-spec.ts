// A database of an earlier run without the keys of that run: found before anything starts, from
// what the database really holds (read as the administrator) and what the data folder lacks.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { keystoreFileFor } from '@gardien/crypto';
import { ADMIN_URL, createTestDatabase, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import type { DatabaseReport } from '../provision/database-step.js';
import { describeLostKeys, findLostKeys, wrappedKeysProbe } from './lost-keys.js';
import { moveSharedLayout, serviceKeysOf } from './master-key.js';

const prefix = testDatabasePrefix();
let database: string;
const probe = wrappedKeysProbe(ADMIN_URL);

async function sql(statement: string): Promise<void> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = new URL(await createTestDatabase(prefix)).pathname.slice(1);
});
afterAll(() => dropTestDatabases(prefix));

const report = (created: boolean): DatabaseReport => ({ service: 'auth', database, created, migrationsApplied: [], credentials: { runtime: '/x' } });

function dataDirWith(files: { masterKey: boolean; keystore: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gardien-lost-keys-'));
  const keys = serviceKeysOf(dir, 'auth');
  mkdirSync(keys.keyDir, { recursive: true });
  mkdirSync(join(dir, 'master-keys'), { recursive: true });
  if (files.masterKey) writeFileSync(keys.masterKeyFile, 'k');
  if (files.keystore) writeFileSync(keystoreFileFor(keys.keyDir, 'auth'), '{}');
  return dir;
}

test('a database without the key tables, or with empty ones, holds nothing that needs the old keys', async () => {
  expect(await probe(database)).toBe(false);
  await sql('CREATE SCHEMA gardien_keys');
  await sql('CREATE TABLE gardien_keys.tenant_keys (tenant_id uuid, wrapped_key text)');
  expect(await probe(database)).toBe(false);
  expect(await findLostKeys(dataDirWith({ masterKey: false, keystore: false }), [report(false)], probe)).toEqual([]);
});

test('wrapped keys in the database and no keystore or master key of their run: lost, and said so', async () => {
  await sql("INSERT INTO gardien_keys.tenant_keys VALUES ('00000000-0000-4000-8000-000000000000', 'local:v1:AAAA')");
  expect(await probe(database)).toBe(true);
  const bare = dataDirWith({ masterKey: false, keystore: false });
  const lost = await findLostKeys(bare, [report(false)], probe);
  expect(lost).toEqual([{ service: 'auth', database, missing: [serviceKeysOf(bare, 'auth').masterKeyFile, keystoreFileFor(serviceKeysOf(bare, 'auth').keyDir, 'auth')] }]);
  expect(describeLostKeys(lost, bare)).toContain(`auth: database ${database} holds encrypted data`);
  const noKeystore = dataDirWith({ masterKey: true, keystore: false });
  expect((await findLostKeys(noKeystore, [report(false)], probe)).map(({ missing }) => missing.length)).toEqual([1]);
});

test('with the keys of the run, or a database this run created, nothing is lost', async () => {
  expect(await findLostKeys(dataDirWith({ masterKey: true, keystore: true }), [report(false)], probe)).toEqual([]);
  expect(await findLostKeys(dataDirWith({ masterKey: false, keystore: false }), [report(true)], probe)).toEqual([]);
});

test('a folder of the shared-key layout holds its keys elsewhere: lost until moved, found once moved (gardien start moves it first)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gardien-lost-keys-legacy-'));
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'master.key'), 'shared\n', { mode: 0o600 });
  writeFileSync(join(dir, 'keys', 'auth.keystore.json'), '{}');
  expect(await findLostKeys(dir, [report(false)], probe)).toHaveLength(1);
  moveSharedLayout(dir, ['auth'], () => undefined);
  expect(await findLostKeys(dir, [report(false)], probe)).toEqual([]);
});
