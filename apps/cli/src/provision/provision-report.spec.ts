// What `gardien provision` says and how it exits: its failures by kind, foreign errors by code only.
import { ConfigError } from '@gardien/bootstrap';
import { ErrorCode, GardienError } from '@gardien/contracts';
import { ProvisionError } from './provision-error.js';
import { ProvisionReport, type ProvisionResult } from './provision-report.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  const report = new ProvisionReport({ write: (text: string) => (out.stdout += text) }, { write: (text: string) => (out.stderr += text) });
  return { out, report };
}

const SECRET = 'Sup3r-s3cret-passw0rd';

const foreign = (name: string, code: string, message = `failed for postgres://postgres:${SECRET}@db/postgres`) => Object.assign(new Error(message), { name, code });

test.each([
  [new ProvisionError('usage', 'no database for: edge-api'), 64],
  [new ConfigError(['GARDIEN_DATABASE_ADMIN_URL']), 78],
  [new ProvisionError('config', 'the file holds another role'), 78],
  [new GardienError(ErrorCode.Unavailable, 'cannot reach the bus'), 69],
  [new GardienError(ErrorCode.Unauthenticated, 'the bus refused the provisioner’s credentials'), 77],
  [foreign('Error', 'ECONNREFUSED'), 69],
  [foreign('error', '28P01'), 77],
  [foreign('error', '42501'), 77],
  [Object.assign(new Error('wrapped'), { cause: foreign('PermissionViolationError', '') }), 77],
  [new ProvisionError('failed', 'the migrations of auth failed (exit 1)'), 70],
  [foreign('TypeError', 'X'), 70],
])('%s exits %i, and nothing a foreign error says is shown', (error, exitCode) => {
  const { out, report } = capture();
  expect(report.failed([error])).toBe(exitCode);
  expect(out.stdout).toBe('');
  expect(out.stderr).toMatch(/^gardien provision: /m);
  expect(out.stderr).not.toContain(SECRET);
  expect(out.stderr).not.toContain('postgres://');
});

const result = (differs?: string[]): ProvisionResult => ({
  databases: [{ service: 'auth', database: 'gardien_auth', created: true, migrationsApplied: ['A1'], credentials: { runtime: '/s/auth/database.url' } }],
  streams: [{ stream: 'AUDIT', outcome: differs ? 'differs' : 'unchanged', ...(differs ? { differs } : {}) }],
  consumers: [],
});

test('done: one JSON object on stdout, exit 0', () => {
  const { out, report } = capture();
  expect(report.done(result(), 10)).toBe(0);
  expect(out.stdout.trim().split('\n')).toHaveLength(1);
  expect(JSON.parse(out.stdout)).toEqual(result());
});

test('done but a stream differs: the object, the stream named on stderr with its properties logged, exit 1', () => {
  const { out, report } = capture();
  expect(report.done(result(['subjects', 'republish']), 10)).toBe(1);
  expect(JSON.parse(out.stdout).streams[0]).toEqual({ stream: 'AUDIT', outcome: 'differs', differs: ['subjects', 'republish'] });
  expect(out.stderr).toContain('gardien provision: AUDIT not configured as declared');
  expect(out.stderr).toContain('"properties":["subjects","republish"]');
});
