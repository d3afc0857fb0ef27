// `gardien audit verify` as an auditor runs it: on files, with the published keys; one JSON line
// out, and the exit code says which of holds (0), does not hold (1), is not an export (2).
import { jest } from '@jest/globals';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryExport, publicJwkOf } from '@gardien/audit-log';
import { auditVerify } from './audit-verify.command.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-audit-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { privateKey } = generateKeyPairSync('ed25519');
const log = randomUUID();
const entries = Array.from({ length: 25 }, (_, i) => ({ id: randomUUID(), ts: '2026-12-02T10:00:00.000Z', tenant: log, action: 'user.created', outcome: 'success', n: i }));
const made = memoryExport({ log, entries, privateKey, keyId: 'k1', timestamp: '2026-12-02T10:00:10Z' });
const keysFile = file('keys.json', JSON.stringify({ keys: [publicJwkOf(privateKey, 'k1')] }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(path: string, options: Parameters<typeof auditVerify>[1] = { publicKey: keysFile }): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await auditVerify(path, options), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

test('a valid export: exit 0, one JSON line saying what was verified', async () => {
  const { code, stdout } = await run(file('valid.jsonl', made.lines.join('')));
  expect(code).toBe(0);
  expect(stdout.split('\n')).toHaveLength(2);
  expect(JSON.parse(stdout)).toEqual({ ok: true, log, tree_size: 25, from: 0, to: 24, entries: 25, signature: 'valid', consistent_with: null });
});

test('an edited entry: exit 1 and the index, as one JSON line', async () => {
  const lines = [...made.lines];
  lines[7] = lines[7]!.replace('"outcome":"success"', '"outcome":"failure"');
  const { code, stdout } = await run(file('edited.jsonl', lines.join('')));
  expect(code).toBe(1);
  expect(JSON.parse(stdout)).toEqual({ ok: false, index: 7, reason: 'changed' });
});

test('consistent with a tree head kept from an earlier export', async () => {
  const earlier = memoryExport({ log, entries: entries.slice(0, 10), privateKey, keyId: 'k1', timestamp: '2026-12-02T10:00:05Z' });
  const head = file('earlier-head.json', earlier.lines[earlier.lines.length - 1]!);
  const { code, stdout } = await run(file('later.jsonl', made.lines.join('')), { publicKey: keysFile, sinceTreeHead: head });
  expect([code, JSON.parse(stdout).consistent_with]).toEqual([0, 10]);
});

test('without --public-key the verdict and stderr say the signature was not checked', async () => {
  const { code, stdout, stderr } = await run(file('nokey.jsonl', made.lines.join('')), {});
  expect([code, JSON.parse(stdout).signature]).toEqual([0, 'not_checked']);
  expect(stderr).toMatch(/signature was not checked/);
});

test.each([
  ['not JSON Lines', () => file('garbage.txt', 'PK\u0003\u0004 this is a zip\n'), {}],
  ['an empty file', () => file('empty.jsonl', ''), {}],
  ['a file that does not exist', () => join(dir, 'nowhere.jsonl'), {}],
  ['a key file that is not a JWK set', () => file('v.jsonl', made.lines.join('')), { publicKey: file('bad-keys.json', '{"keys":[{"kty":"RSA"}]}') }],
  ['a tree-head file that is not one', () => file('v2.jsonl', made.lines.join('')), { sinceTreeHead: file('bad-head.json', '{"tree_size":-1}') }],
] as const)('%s: exit 2, a message on stderr, no stack trace and nothing on stdout', async (_what, path, options) => {
  const { code, stdout, stderr } = await run(path(), options);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toMatch(/^gardien audit verify: .+\n$/);
  expect(stderr).not.toMatch(/\n\s+at /);
});
