// The audit log with every service running as processes: what the services audit reaches the log
// of its tenant, an auditor of that tenant exports it and `gardien audit verify` accepts it (and
// refuses it edited); the audit service stopped while entries are produced loses none and
// duplicates none; an auditor reads no other tenant's log and writes nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcesses, PrivateNats, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { EdgeClient, freshTotp, runCli, someClientAddress, totpSecretOf, type HttpAnswer, bootstrapTenantA } from './identity-support.js';

const prefix = testDatabasePrefix();
const PASSWORD = 'a passphrase long enough to pass';
const usedCodes = new Set<string>();
const dir = mkdtempSync(join(tmpdir(), 'gardien-audit-e2e-'));

let nats: PrivateNats;
let platform: PlatformProcesses;
let edge: EdgeClient;
let tenantA = '';
let adminToken = '';
let auditorToken = '';
let rootToken = '';

function ok(answer: HttpAnswer, status: number): HttpAnswer {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

async function logIn(email: string, tenant: string | undefined, totpSecret?: string): Promise<string> {
  const body = { email, password: PASSWORD, ...(tenant ? { tenant } : {}), ...(totpSecret ? { totp: await freshTotp(totpSecret, usedCodes) } : {}) };
  return ok(await edge.call('POST', '/api/v1/auth/login', { body, headers: { 'x-forwarded-for': someClientAddress() } }), 200).body.access_token;
}

/** An account of tenant A with `roles`, logged in with its TOTP code. */
async function memberWithMfa(email: string, roles: string[]): Promise<string> {
  // A role that requires MFA is created with its TOTP secret, shown once.
  const created = ok(await edge.call('POST', '/api/v1/users', { token: adminToken, body: { email, password: PASSWORD, roles } }), 201);
  return logIn(email, 'tenant-a', totpSecretOf(created.body.totp_uri));
}

interface ExportLine {
  index?: number;
  entry?: { id: string; action: string; target: { id: string } | null };
  tree_head?: { tree_size: number };
}

async function exportOf(token: string): Promise<{ text: string; lines: ExportLine[] }> {
  const response = await fetch(`${edge.baseUrl}/api/v1/audit/export`, { headers: { authorization: `Bearer ${token}` } });
  expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/jsonl; charset=utf-8']);
  const text = await response.text();
  return { text, lines: text.trimEnd().split('\n').map((line) => JSON.parse(line) as ExportLine) };
}

/** Waits until the log of A holds an entry for every target id given (the relay and the intake take a moment). */
async function untilLogged(targets: string[], actions: string[] = [], timeoutMs = 30_000): Promise<ExportLine[]> {
  const started = Date.now();
  for (;;) {
    const { lines } = await exportOf(auditorToken);
    const seen = new Set(lines.flatMap((line) => (line.entry?.target ? [line.entry.target.id] : [])));
    const done = new Set(lines.flatMap((line) => (line.entry ? [line.entry.action] : [])));
    if (targets.every((target) => seen.has(target)) && actions.every((action) => done.has(action))) return lines;
    if (Date.now() - started > timeoutMs) throw new Error(`not in the log after ${timeoutMs} ms: ${targets.filter((t) => !seen.has(t)).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function verify(text: string, keys: unknown, name: string): Promise<{ code: number | null; verdict: Record<string, unknown> }> {
  const file = join(dir, name);
  writeFileSync(file, text);
  const keysFile = join(dir, `${name}.keys.json`);
  writeFileSync(keysFile, JSON.stringify(keys));
  const run = await runCli(['audit', 'verify', file, '--public-key', keysFile], {});
  return { code: run.code, verdict: JSON.parse(run.stdout || '{}') as Record<string, unknown> };
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, env: { GARDIEN_TRUSTED_PROXIES: '127.0.0.1', GARDIEN_AUDIT_TREE_HEAD_INTERVAL_MS: '500' } });
  edge = new EdgeClient(platform.edgeUrl);
  const result = await bootstrapTenantA(nats.url, PASSWORD);
  tenantA = result.tenant!.id;
  rootToken = await logIn('root@platform.example', undefined, totpSecretOf(result.superadmin.totp_uri));
  adminToken = await logIn('admin@a.example', 'tenant-a', totpSecretOf(result.tenant!.admin.totp_uri));
  auditorToken = await memberWithMfa('auditor@a.example', ['auditor']);
}, 120_000);

afterAll(async () => {
  await platform?.dispose();
  await nats?.dispose();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

test('what the services audited is in the log of tenant A; its export verifies offline, and fails edited', async () => {
  const lines = await untilLogged([tenantA], ['tenant.created', 'user.created', 'login.succeeded']);
  const actions = new Set(lines.flatMap((line) => (line.entry ? [line.entry.action] : [])));
  for (const action of ['tenant.created', 'user.created', 'login.succeeded']) expect(actions).toContain(action);
  const keys = ok(await edge.call('GET', '/api/v1/audit/public-key'), 200).body;
  const { text } = await exportOf(auditorToken);
  // Ids and codes only: no email, name or password of the accounts the entries are about.
  for (const personal of ['@a.example', '@platform.example', PASSWORD]) expect(text).not.toContain(personal);
  const valid = await verify(text, keys, 'valid.jsonl');
  expect(valid).toMatchObject({ code: 0, verdict: { ok: true, log: tenantA, signature: 'valid', from: 0 } });
  const edited = text.split('\n');
  edited[1] = edited[1]!.replace('"outcome":"success"', '"outcome":"failure"');
  expect(await verify(edited.join('\n'), keys, 'edited.jsonl')).toEqual({ code: 1, verdict: { ok: false, index: 1, reason: 'changed' } });
}, 60_000);

test('entries produced while the audit service is down are all there after it restarts, once each, in order', async () => {
  await platform.kill('audit', 'SIGTERM');
  const created: string[] = [];
  for (let i = 0; i < 6; i++) created.push(ok(await edge.call('POST', '/api/v1/users', { token: adminToken, body: { email: `while-down-${i}@a.example`, password: PASSWORD, roles: ['user'] } }), 201).body.id);
  await platform.launch('audit', 'audit');
  const lines = await untilLogged(created);
  const entries = lines.filter((line) => line.entry !== undefined);
  expect(entries.map((line) => line.index)).toEqual(entries.map((_, i) => i));
  const ids = entries.map((line) => line.entry!.id);
  expect(new Set(ids).size).toBe(ids.length);
  const positions = created.map((id) => entries.findIndex((line) => line.entry!.action === 'user.created' && line.entry!.target?.id === id));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  const { text } = await exportOf(auditorToken);
  expect(await verify(text, ok(await edge.call('GET', '/api/v1/audit/public-key'), 200).body, 'after-restart.jsonl')).toMatchObject({ code: 0, verdict: { ok: true } });
}, 90_000);

test("an auditor of A reads no other tenant's log, on REST and GraphQL, and writes nothing", async () => {
  const tenantB = ok(await edge.call('POST', '/api/v1/tenants', { token: rootToken, body: { slug: 'tenant-b', name: 'B' } }), 201).body.id as string;
  for (const path of [`/api/v1/audit/entries?tenant_id=${tenantB}`, `/api/v1/audit/tree-head?tenant_id=${tenantB}`, `/api/v1/audit/export?tenant_id=${tenantB}`, `/api/v1/audit/proofs/inclusion?tenant_id=${tenantB}&index=0&tree_size=1`]) {
    expect([path, (await edge.call('GET', path, { token: auditorToken })).status]).toEqual([path, 403]);
  }
  const graphql = await edge.graphql(`{ auditTreeHead(tenant_id: "${tenantB}") { tree_size } }`, {}, auditorToken);
  expect(graphql.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  // Nor the platform's log, nor anything of the platform's super-admin.
  expect((await edge.call('GET', '/api/v1/audit/entries?tenant_id=00000000-0000-0000-0000-000000000000', { token: auditorToken })).status).toBe(403);
  expect((await edge.call('GET', '/api/v1/audit/entries', { token: rootToken })).status).toBe(403);
  // Writing: no operation of the log writes, and the auditor may write nowhere else.
  expect((await edge.call('POST', '/api/v1/users', { token: auditorToken, body: { email: 'x@a.example', password: PASSWORD, roles: ['user'] } })).status).toBe(403);
  expect((await edge.call('POST', '/api/v1/purposes', { token: auditorToken, body: { id: 'p', name: 'P', legal_basis: 'contract' } })).status).toBe(403);
  expect((await edge.call('POST', '/api/v1/audit/entries', { token: auditorToken, body: {} })).status).toBe(404);
}, 60_000);

test('proofs outside the tree are 400 problems', async () => {
  const head = ok(await edge.call('GET', '/api/v1/audit/tree-head', { token: auditorToken }), 200).body as { tree_size: number };
  const outside = await edge.call('GET', `/api/v1/audit/proofs/inclusion?index=${head.tree_size}&tree_size=${head.tree_size}`, { token: auditorToken });
  expect([outside.status, outside.headers.get('content-type')?.split(';')[0], outside.body.reason]).toEqual([400, 'application/problem+json', 'proof_outside_tree']);
  const inside = ok(await edge.call('GET', `/api/v1/audit/proofs/inclusion?index=0&tree_size=${head.tree_size}`, { token: auditorToken }), 200);
  expect(inside.body).toMatchObject({ index: 0, tree_size: head.tree_size });
  expect((await edge.call('GET', `/api/v1/audit/proofs/consistency?first=${head.tree_size + 1}&second=${head.tree_size}`, { token: auditorToken })).status).toBe(400);
});
