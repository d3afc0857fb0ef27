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
import { Worker } from 'node:worker_threads';
import { connect } from '@nats-io/transport-node';
import { MemoryMerkleTree, canonicalBytes, exportEntryLine, exportTreeHeadLine, leafHash, publicJwkOf, signTreeHead } from '@gardien/audit-log';
import { openServiceDatabase, CreateOutbox1732579200000 } from '@gardien/persistence';
import { ServiceMetrics } from '@gardien/observability';
import { ADMIN_URL, PrivateNats, createDeclaredJetStream, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { AUDIT_MIGRATIONS } from '../apps/audit/dist/migrations/index.js';
import { AuditLogAppender } from '../apps/audit/dist/log/audit-log.appender.js';
import { AuditLogReader } from '../apps/audit/dist/log/audit-log.reader.js';
import { AuditLogRepository } from '../apps/audit/dist/log/audit-log.repository.js';
import { AuditIntakeConsumer } from '../apps/audit/dist/intake/audit-intake.consumer.js';
import { AuditMetrics } from '../apps/audit/dist/audit.metrics.js';
import { benchEntry } from './audit-publisher.mjs';
import { describeMachine, loadAverage } from './machine.mjs';

const TARGETS = { appendPerSecond: 20_000, proofP99Ms: 5, verifyS: 10 };
const APPEND_ENTRIES = Number(process.env.GARDIEN_BENCH_AUDIT_APPEND ?? 100_000);
const LOG_SIZE = Number(process.env.GARDIEN_BENCH_AUDIT_LOG ?? 1_000_000);
const PROOFS = 2_000;
// GARDIEN_BENCH_AUDIT_PARTS=append,proofs,verify (any of them, comma-separated) runs only those parts; all three by default.
const PARTS = new Set((process.env.GARDIEN_BENCH_AUDIT_PARTS ?? 'append,proofs,verify').split(',').map((part) => part.trim()));
const say = (/** @type {string} */ line) => process.stderr.write(`[bench] ${line}\n`);
const silent = { info() {}, warn() {}, error() {}, debug() {} };

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * 1: APPEND_ENTRIES entries over 4 tenants, published by a worker thread (./audit-publisher.mjs)
 * while the service's own intake (AuditIntakeConsumer: its batches, validation, hashing and
 * appender) consumes them; timed from the first publish to the commit of the last entry. Tree
 * heads are left out: the service signs them every 10 s, apart from the intake.
 */
async function appendRate(nats, runtime) {
  const connection = await connect({ servers: nats.url });
  await createDeclaredJetStream(connection);
  const tenants = Array.from({ length: 4 }, () => randomUUID());
  let stored = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  class CountingAppender extends AuditLogAppender {
    async appendHashed(entries) {
      const outcome = await super.appendHashed(entries);
      stored += outcome.appended;
      if (stored >= APPEND_ENTRIES) done();
      return outcome;
    }
  }
  const intake = new AuditIntakeConsumer(new CountingAppender(runtime, new AuditLogRepository()), { grown() {} }, new AuditMetrics(new ServiceMetrics('audit')), connection, silent);
  await intake.onApplicationBootstrap();
  const publisher = new Worker(new URL('./audit-publisher.mjs', import.meta.url), { workerData: { role: 'audit-publisher', url: nats.url, tenants, count: APPEND_ENTRIES } });
  const published = new Promise((resolve, reject) => {
    publisher.on('message', (message) => (message === 'connected' ? go() : resolve(message)));
    publisher.once('error', reject);
  });
  let started;
  let loopBefore;
  let cpuBefore;
  const go = () => {
    loopBefore = performance.eventLoopUtilization();
    cpuBefore = process.cpuUsage();
    started = process.hrtime.bigint();
    publisher.postMessage('go');
  };
  const { seconds: publishedS } = await published;
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // How busy the intake's thread was, and the CPU of this process (intake, publisher, GC): where the time went.
  const intakeBusy = performance.eventLoopUtilization(loopBefore).utilization;
  const cpu = process.cpuUsage(cpuBefore);
  await publisher.terminate();
  await intake.onModuleDestroy();
  await connection.close();
  return {
    entries: APPEND_ENTRIES,
    tenants: tenants.length,
    publishedS: +publishedS.toFixed(2),
    seconds: +seconds.toFixed(2),
    perSecond: Math.round(APPEND_ENTRIES / seconds),
    intakeThreadBusy: +intakeBusy.toFixed(2),
    processCpuS: +((cpu.user + cpu.system) / 1e6).toFixed(2),
  };
}

/** 2: a log of LOG_SIZE entries appended in batches of 2,000, then PROOFS inclusion proofs at random indexes. */
async function proofLatency(runtime) {
  const appender = new AuditLogAppender(runtime, new AuditLogRepository());
  const tenant = randomUUID();
  for (let i = 0; i < LOG_SIZE; i += 2_000) {
    await appender.append(Array.from({ length: Math.min(2_000, LOG_SIZE - i) }, (_, j) => benchEntry(tenant, i + j)));
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
      const result = { date, machine: describeMachine(), load: { before: loadBefore, after: loadBefore } };
      const rows = [];
      if (PARTS.has('append')) {
        say(`append rate: ${APPEND_ENTRIES.toLocaleString('en')} entries through JetStream`);
        const append = (result.append = await appendRate(nats, runtime));
        rows.push(['append, end to end (published, consumed, hashed, stored)', `${append.perSecond}/s`, `>= ${TARGETS.appendPerSecond}/s`, append.perSecond >= TARGETS.appendPerSecond]);
      }
      if (PARTS.has('proofs')) {
        say(`proof latency: a log of ${LOG_SIZE.toLocaleString('en')} entries, ${PROOFS} proofs`);
        const proofs = (result.proofs = await proofLatency(runtime));
        rows.push([`inclusion proof in a log of ${LOG_SIZE.toLocaleString('en')}, p99`, `${proofs.p99Ms} ms`, `<= ${TARGETS.proofP99Ms} ms`, proofs.p99Ms <= TARGETS.proofP99Ms]);
      }
      if (PARTS.has('verify')) {
        say(`verify: an export of ${LOG_SIZE.toLocaleString('en')} entries`);
        const verify = (result.verify = await verifyTime(dir));
        rows.push([`gardien audit verify, ${LOG_SIZE.toLocaleString('en')} entries`, `${verify.seconds} s`, `<= ${TARGETS.verifyS} s`, verify.seconds <= TARGETS.verifyS]);
      }
      result.load.after = loadAverage();
      process.stdout.write(`\nGardien audit benchmark, ${date}\n\n`);
      for (const [figure, value, target, pass] of rows) process.stdout.write(`${figure.padEnd(62)} ${value.padStart(12)}  ${target.padEnd(12)} ${pass ? 'PASS' : 'FAIL <<<'}\n`);
      const notes = [];
      if (result.proofs) notes.push(`proofs p50 ${result.proofs.p50Ms} ms, max ${result.proofs.maxMs} ms`);
      if (result.append) notes.push(`published in ${result.append.publishedS} s, stored by ${result.append.seconds} s (intake thread busy ${Math.round(result.append.intakeThreadBusy * 100)} %, this process ${result.append.processCpuS} CPU s)`);
      if (notes.length > 0) process.stdout.write(`\n${notes.join('; ')}\n`);
      process.stdout.write(`load average ${loadBefore} before, ${result.load.after} after\n`);
      const results = new URL('./results/', import.meta.url);
      await mkdir(results, { recursive: true });
      const file = new URL(`audit-${date.slice(0, 10)}${PARTS.size < 3 ? `-${[...PARTS].sort().join('-')}` : ''}.json`, results);
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
