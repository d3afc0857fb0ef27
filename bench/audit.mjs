// `npm run bench`, audit part (issue 10, "Must show" 7), measured on this machine:
//   1. sustained append rate, end to end: entries published to stream AUDIT (a private nats-server
//      with the declared stream and consumer), consumed in batches, hashed and stored in Postgres by
//      the audit service's own intake and appender, until the last one is stored;
//   2. inclusion-proof latency in a log of LOG_SIZE entries (stored with the same appender), over
//      random indexes, as the service reads them (the reader's queries, a transaction each);
//   3. `gardien audit verify` (the CLI process) on an export of LOG_SIZE entries written in the
//      service's format.
// Prints a table, writes bench/results/audit-<date>.json, exits 0 even when a target is missed.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { MemoryMerkleTree, canonicalBytes, exportEntryLine, exportTreeHeadLine, leafHash, publicJwkOf, signTreeHead } from '@gardien/audit-log';
import { DURABLE_CONSUMERS, auditSubject } from '@gardien/contracts';
import { openServiceDatabase, CreateOutbox1732579200000 } from '@gardien/persistence';
import { DurableBatchConsumer } from '@gardien/platform';
import { ADMIN_URL, PrivateNats, createDeclaredJetStream, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { AUDIT_MIGRATIONS } from '../apps/audit/dist/migrations/index.js';
import { AuditLogAppender } from '../apps/audit/dist/log/audit-log.appender.js';
import { AuditLogReader } from '../apps/audit/dist/log/audit-log.reader.js';
import { AuditLogRepository } from '../apps/audit/dist/log/audit-log.repository.js';
import { takeEntry } from '../apps/audit/dist/intake/audit-entry-intake.js';
import { describeMachine, loadAverage } from './machine.mjs';

const TARGETS = { appendPerSecond: 20_000, proofP99Ms: 5, verifyS: 10 };
const APPEND_ENTRIES = Number(process.env.GARDIEN_BENCH_AUDIT_APPEND ?? 100_000);
const LOG_SIZE = Number(process.env.GARDIEN_BENCH_AUDIT_LOG ?? 1_000_000);
const PROOFS = 2_000;
const say = (/** @type {string} */ line) => process.stderr.write(`[bench] ${line}\n`);
const silent = { info() {}, warn() {}, error() {}, debug() {} };

function entry(tenantId, n) {
  return {
    id: randomUUID(),
    occurredAt: new Date(Date.UTC(2026, 11, 2, 10, 0, 0) + n).toISOString(),
    service: 'auth',
    action: 'login.succeeded',
    outcome: 'success',
    tenantId,
    actor: { type: 'user', id: randomUUID() },
    target: { type: 'session', id: randomUUID() },
    details: { durationMs: n % 1000 },
    requestId: randomUUID(),
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** 1: publish APPEND_ENTRIES entries over 4 tenants, consume them with the service's intake, time to the last one stored. */
async function appendRate(nats, runtime) {
  const connection = await connect({ servers: nats.url });
  await createDeclaredJetStream(connection);
  const appender = new AuditLogAppender(runtime, new AuditLogRepository());
  const tenants = Array.from({ length: 4 }, () => randomUUID());
  let stored = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const consumer = await DurableBatchConsumer.start(connection, {
    consumer: DURABLE_CONSUMERS.audit.entries,
    logger: silent,
    handle: async (messages) => {
      const taken = messages.map((message) => takeEntry(message.subject, message.data));
      const outcome = await appender.append(taken.flatMap((t) => (t.ok ? [t.entry] : [])));
      stored += outcome.appended;
      if (stored >= APPEND_ENTRIES) done();
      return taken.map((t) => (t.ok ? 'ack' : 'term'));
    },
  });
  const js = jetstream(connection);
  const subject = auditSubject('auth', 'login.succeeded');
  const started = process.hrtime.bigint();
  const inFlight = [];
  for (let i = 0; i < APPEND_ENTRIES; i++) {
    const e = entry(tenants[i % tenants.length], i);
    inFlight.push(js.publish(subject, JSON.stringify(e), { msgID: e.id }));
    if (inFlight.length >= 1_000) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  const publishedS = Number(process.hrtime.bigint() - started) / 1e9;
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await consumer.stop();
  await connection.close();
  return { entries: APPEND_ENTRIES, tenants: tenants.length, publishedS: +publishedS.toFixed(2), seconds: +seconds.toFixed(2), perSecond: Math.round(APPEND_ENTRIES / seconds) };
}

/** 2: a log of LOG_SIZE entries appended in batches of 2,000, then PROOFS inclusion proofs at random indexes. */
async function proofLatency(runtime) {
  const appender = new AuditLogAppender(runtime, new AuditLogRepository());
  const tenant = randomUUID();
  for (let i = 0; i < LOG_SIZE; i += 2_000) {
    await appender.append(Array.from({ length: Math.min(2_000, LOG_SIZE - i) }, (_, j) => entry(tenant, i + j)));
    if (i % 100_000 === 0) say(`  log of ${i.toLocaleString('en')} entries`);
  }
  const reader = new AuditLogReader(runtime, new AuditLogRepository(), undefined, undefined);
  const timings = [];
  for (let i = 0; i < PROOFS; i++) {
    const index = Math.floor(Math.random() * LOG_SIZE);
    const started = process.hrtime.bigint();
    await reader.inclusionProof(tenant, { index, tree_size: LOG_SIZE });
    timings.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  timings.sort((a, b) => a - b);
  return { logSize: LOG_SIZE, proofs: PROOFS, p50Ms: +percentile(timings, 50).toFixed(2), p99Ms: +percentile(timings, 99).toFixed(2), maxMs: +timings[timings.length - 1].toFixed(2) };
}

/** 3: an export of LOG_SIZE entries in the service's format, then the CLI's verify on it, timed as a process. */
async function verifyTime(dir) {
  const { privateKey } = generateKeyPairSync('ed25519');
  const log = randomUUID();
  const canonical = [];
  const tree = new MemoryMerkleTree();
  for (let i = 0; i < LOG_SIZE; i++) {
    const text = canonicalBytes({ id: randomUUID(), ts: new Date(Date.UTC(2026, 11, 2) + i).toISOString(), tenant: log, service: 'auth', actor: { type: 'user', id: randomUUID() }, action: 'login.succeeded', target: { type: 'session', id: randomUUID() }, outcome: 'success', metadata: { durationMs: i % 1000 }, request_id: null });
    canonical.push(text);
    tree.append(leafHash(text));
  }
  const head = signTreeHead({ log, tree_size: LOG_SIZE, root_hash: tree.root().toString('hex'), timestamp: new Date().toISOString(), key_id: 'bench' }, privateKey);
  const file = join(dir, 'export.jsonl');
  const out = createWriteStream(file);
  for (let i = 0; i < LOG_SIZE; i++) {
    if (!out.write(exportEntryLine(i, canonical[i].toString('utf8'), leafHash(canonical[i]), tree.inclusionProof(i)))) await new Promise((resolve) => out.once('drain', resolve));
  }
  out.end(exportTreeHeadLine(head));
  await new Promise((resolve) => out.once('finish', resolve));
  const keys = join(dir, 'keys.json');
  await writeFile(keys, JSON.stringify({ keys: [publicJwkOf(privateKey, 'bench')] }));
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [new URL('../apps/cli/dist/main.js', import.meta.url).pathname, 'audit', 'verify', file, '--public-key', keys], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const verdict = JSON.parse(run.stdout || '{}');
  if (run.status !== 0 || verdict.ok !== true) throw new Error(`verify refused the export: ${run.stdout} ${run.stderr}`);
  return { entries: LOG_SIZE, seconds: +seconds.toFixed(2) };
}

async function main() {
  const date = new Date().toISOString();
  const loadBefore = loadAverage();
  const prefix = testDatabasePrefix();
  const nats = await PrivateNats.start();
  const dir = await mkdtemp(join(tmpdir(), 'gardien-bench-audit-'));
  try {
    const { runtime } = await openServiceDatabase({ service: 'audit', prefix, adminUrl: ADMIN_URL, migrations: [CreateOutbox1732579200000, ...AUDIT_MIGRATIONS], poolSize: 4 });
    try {
      say(`append rate: ${APPEND_ENTRIES.toLocaleString('en')} entries through JetStream`);
      const append = await appendRate(nats, runtime);
      say(`proof latency: a log of ${LOG_SIZE.toLocaleString('en')} entries, ${PROOFS} proofs`);
      const proofs = await proofLatency(runtime);
      say(`verify: an export of ${LOG_SIZE.toLocaleString('en')} entries`);
      const verify = await verifyTime(dir);
      const result = { date, machine: describeMachine(), load: { before: loadBefore, after: loadAverage() }, append, proofs, verify };
      const rows = [
        ['append, end to end (published, consumed, hashed, stored)', `${append.perSecond}/s`, `>= ${TARGETS.appendPerSecond}/s`, append.perSecond >= TARGETS.appendPerSecond],
        [`inclusion proof in a log of ${LOG_SIZE.toLocaleString('en')}, p99`, `${proofs.p99Ms} ms`, `<= ${TARGETS.proofP99Ms} ms`, proofs.p99Ms <= TARGETS.proofP99Ms],
        [`gardien audit verify, ${LOG_SIZE.toLocaleString('en')} entries`, `${verify.seconds} s`, `<= ${TARGETS.verifyS} s`, verify.seconds <= TARGETS.verifyS],
      ];
      process.stdout.write(`\nGardien audit benchmark, ${date}\n\n`);
      for (const [figure, value, target, pass] of rows) process.stdout.write(`${figure.padEnd(62)} ${value.padStart(12)}  ${target.padEnd(12)} ${pass ? 'PASS' : 'FAIL <<<'}\n`);
      process.stdout.write(`\nproofs p50 ${proofs.p50Ms} ms, max ${proofs.maxMs} ms; published in ${append.publishedS} s, stored by ${append.seconds} s\n`);
      process.stdout.write(`load average ${loadBefore} before, ${result.load.after} after\n`);
      const results = new URL('./results/', import.meta.url);
      await mkdir(results, { recursive: true });
      const file = new URL(`audit-${date.slice(0, 10)}.json`, results);
      await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`result written to ${file.pathname}\n`);
    } finally {
      await runtime.destroy();
    }
  } finally {
    await nats.dispose();
    await dropTestDatabases(prefix);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
