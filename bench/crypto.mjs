// `npm run bench`, storage part (issue 3, "Must show" 7), measured on this machine:
//   1. encrypt + decrypt of 1 KB values per second on one core, with a warm key ring (the same
//      SubjectKeyRing and cipher the services use; one event loop = one core), median of 5 runs;
//   2. forgetSubject for a subject with 10 records and for one with 100,000 records, each stored as
//      real ciphertexts in a Postgres table, with the Postgres key store under row-level security
//      as in a service; 3 subjects of each size; then a read of the erased subject must raise
//      SUBJECT_ERASED.
// Prints a table, writes bench/results/storage-<date>.json, exits 0 even when a target is missed.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateGardienKeys1732579300000,
  CryptoErrorCode,
  LocalKms,
  PostgresSubjectKeyStore,
  SubjectKeyRing,
  InMemorySubjectKeyStore,
  generateMasterKeyFile,
} from '@gardien/crypto';
import { enableTenantIsolation, openServiceDatabase, tenantScopedSql, withTenant } from '@gardien/persistence';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { describeMachine, loadAverage } from './machine.mjs';
import { median } from './stats.mjs';

const TARGETS = { opsPerSecond: 50_000, forgetMs: 50 };
const VALUE = randomBytes(1024);
const say = (/** @type {string} */ line) => process.stderr.write(`[bench] ${line}\n`);

/**
 * One encrypt then decrypt with the classes a service uses, over a local keystore in a temporary
 * folder; throws if the round trip does not give the value back.
 * @param {SubjectKeyRing} ring
 * @param {{tenant: string, subject: string}} subject
 * @param {{table: string, recordId: string, column: string}} place
 * @param {Buffer} value
 */
async function encryptThenDecrypt(ring, subject, place, value) {
  const plaintext = await ring.decryptFor(subject, place, await ring.encryptFor(subject, place, value));
  if (!plaintext.equals(value)) throw new Error('round trip changed the value');
}

async function throughput() {
  const dataDir = await mkdtemp(join(tmpdir(), 'gardien-crypto-bench-'));
  const ring = new SubjectKeyRing({
    service: 'bench',
    kms: new LocalKms({ service: 'bench', dataDir, masterKey: randomBytes(32) }),
    store: new InMemorySubjectKeyStore(),
  });
  const subject = { tenant: randomUUID(), subject: 'bench-subject' };
  try {
    await encryptThenDecrypt(ring, subject, { table: 'notes', recordId: 'warm', column: 'body' }, VALUE);
    const rates = [];
    for (let run = 0; run < 5; run++) {
      const count = 100_000;
      const started = process.hrtime.bigint();
      for (let i = 0; i < count; i++) {
        await encryptThenDecrypt(ring, subject, { table: 'notes', recordId: `r${i}`, column: 'body' }, VALUE);
      }
      rates.push(count / (Number(process.hrtime.bigint() - started) / 1e9));
    }
    return { runs: rates.map(Math.round), median: Math.round(median(rates)), best: Math.round(Math.max(...rates)) };
  } finally {
    ring.clearCache();
    await rm(dataDir, { recursive: true, force: true });
  }
}

class CreateNotes1732579500000 {
  name = 'CreateNotes1732579500000';
  /** @param {import('typeorm').QueryRunner} runner */
  async up(runner) {
    await runner.query('CREATE TABLE notes (id uuid PRIMARY KEY, tenant_id uuid NOT NULL, subject_id text NOT NULL, body text NOT NULL)');
    await enableTenantIsolation(runner, 'notes');
  }
  async down() {}
}

async function forgetting() {
  const prefix = testDatabasePrefix();
  const dir = await mkdtemp(join(tmpdir(), 'gardien-storage-bench-'));
  // Provisioned and migrated in process, as the provisioning step does; the bench then works as the runtime role.
  const { runtime } = await openServiceDatabase({
    service: 'bench-storage',
    prefix,
    adminUrl: ADMIN_URL,
    migrations: [CreateGardienKeys1732579300000, CreateNotes1732579500000],
  });
  try {
    await generateMasterKeyFile(join(dir, 'master.key'));
    const kms = await LocalKms.open({ service: 'bench-storage', dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
    const ring = new SubjectKeyRing({ service: 'bench-storage', kms, store: new PostgresSubjectKeyStore(tenantScopedSql(runtime)) });
    const tenant = randomUUID();
    const value = randomBytes(100);
    /** @type {Record<string, number[]>} */
    const timings = { 10: [], 100000: [] };
    for (const size of [10, 100_000]) {
      for (let trial = 0; trial < 3; trial++) {
        const subject = `subject-${size}-${trial}`;
        say(`writing ${size} records of ${subject}`);
        let firstId = '';
        for (let offset = 0; offset < size; offset += 1_000) {
          const rows = [];
          for (let i = offset; i < Math.min(size, offset + 1_000); i++) {
            const id = randomUUID();
            if (!firstId) firstId = id;
            rows.push([id, await ring.encryptFor({ tenant, subject }, { table: 'notes', recordId: id, column: 'body' }, value)]);
          }
          await withTenant(runtime, tenant, (m) =>
            m.query('INSERT INTO notes (id, tenant_id, subject_id, body) SELECT id, $1, $2, body FROM unnest($3::uuid[], $4::text[]) AS t(id, body)', [
              tenant,
              subject,
              rows.map((r) => r[0]),
              rows.map((r) => r[1]),
            ]),
          );
        }
        const started = process.hrtime.bigint();
        await ring.forgetSubject(tenant, subject);
        timings[size].push(Number(process.hrtime.bigint() - started) / 1e6);
        const [row] = await withTenant(runtime, tenant, (m) => m.query('SELECT body FROM notes WHERE id = $1', [firstId]));
        const outcome = await ring.decryptFor({ tenant, subject }, { table: 'notes', recordId: firstId, column: 'body' }, row.body).then(
          () => 'readable',
          (error) => error.code,
        );
        if (outcome !== CryptoErrorCode.SubjectErased) throw new Error(`after forgetSubject a record read as ${outcome}`);
      }
    }
    return Object.fromEntries(Object.entries(timings).map(([size, ms]) => [size, { runsMs: ms.map((t) => +t.toFixed(2)), medianMs: +median(ms).toFixed(2) }]));
  } finally {
    await runtime.destroy();
    await dropTestDatabases(prefix);
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  const date = new Date().toISOString();
  const loadBefore = loadAverage();
  say('encrypt + decrypt of 1 KB values, warm key ring, 5 x 100,000');
  const rate = await throughput();
  say('forgetSubject with 10 and with 100,000 records (Postgres)');
  const forget = await forgetting();
  const result = { date, machine: describeMachine(), load: { before: loadBefore, after: loadAverage() }, throughput: rate, forgetSubject: forget };
  const rows = [
    ['encrypt+decrypt 1 KB per second, one core (median of 5)', `${rate.median}/s`, `>= ${TARGETS.opsPerSecond}/s`, rate.median >= TARGETS.opsPerSecond],
    ['forgetSubject, 10 records (median of 3)', `${forget[10].medianMs} ms`, `<= ${TARGETS.forgetMs} ms`, forget[10].medianMs <= TARGETS.forgetMs],
    ['forgetSubject, 100,000 records (median of 3)', `${forget[100000].medianMs} ms`, `<= ${TARGETS.forgetMs} ms`, forget[100000].medianMs <= TARGETS.forgetMs],
  ];
  process.stdout.write(`\nGardien storage benchmark, ${date}\n\n`);
  for (const [figure, value, target, pass] of rows) process.stdout.write(`${figure.padEnd(58)} ${value.padStart(12)}  ${target.padEnd(12)} ${pass ? 'PASS' : 'FAIL <<<'}\n`);
  process.stdout.write(`\nruns: throughput ${rate.runs.join(', ')}/s (best ${rate.best}/s); forget 10: ${forget[10].runsMs.join(', ')} ms; forget 100,000: ${forget[100000].runsMs.join(', ')} ms\n`);
  process.stdout.write(`load average ${loadBefore} before, ${result.load.after} after\n`);
  const dir = new URL('./results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL(`storage-${date.slice(0, 10)}.json`, dir);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`result written to ${file.pathname}\n`);
}

main().catch((error) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
