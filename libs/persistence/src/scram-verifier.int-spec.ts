// Role passwords are sent to Postgres only as SCRAM-SHA-256 verifiers computed here. Checked
// against a private PostgreSQL cluster that authenticates TCP clients with SCRAM (the machine's
// own server trusts local connections, so it could not tell a right password from a wrong one).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '@gardien/testing';
import { scramSha256Verifier } from './scram-verifier.js';

const BIN = existsSync('/usr/lib/postgresql') ? join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().at(-1)!, 'bin') : '';
const dir = mkdtempSync(join(tmpdir(), 'gardien-scram-'));
let port: number;

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root). */
function asPostgres(tool: string, args: string[]): void {
  const command = [join(BIN, tool), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  if (process.getuid?.() === 0) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'ignore' });
  else execFileSync('sh', ['-c', command], { stdio: 'ignore' });
}

beforeAll(async () => {
  port = await freePort();
  if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  asPostgres('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256']);
  asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', 'start']);
}, 60_000);

afterAll(() => {
  asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']);
  rmSync(dir, { recursive: true, force: true });
});

test('the verifier has Postgres’ format and never contains the password', () => {
  const verifier = scramSha256Verifier('correct horse battery staple', Buffer.alloc(16, 1));
  expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  expect(verifier).not.toContain('correct horse');
});

test('a role created with the verifier logs in over SCRAM with its password, and not with another', async () => {
  const admin = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE ROLE scram_probe LOGIN PASSWORD '${scramSha256Verifier('s3cret-pass-phrase')}'`);
  await admin.end();
  const good = new pg.Client({ host: '127.0.0.1', port, user: 'scram_probe', password: 's3cret-pass-phrase', database: 'postgres' });
  await good.connect();
  await good.end();
  const bad = new pg.Client({ host: '127.0.0.1', port, user: 'scram_probe', password: 'wrong', database: 'postgres' });
  await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
});
