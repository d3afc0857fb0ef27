// Role passwords are sent to Postgres only as SCRAM-SHA-256 verifiers computed here. Checked
// against a private PostgreSQL cluster that authenticates TCP clients with SCRAM (the machine's
// own server trusts local connections, so it could not tell a right password from a wrong one).
import pg from 'pg';
import { PrivatePostgres } from '@gardien/testing';
import { scramSha256Verifier } from './scram-verifier.js';

let cluster: PrivatePostgres;

beforeAll(async () => {
  cluster = await PrivatePostgres.start();
}, 60_000);

afterAll(async () => {
  await cluster?.dispose();
});

test('the verifier has Postgres’ format and never contains the password', () => {
  const verifier = scramSha256Verifier('correct horse battery staple', Buffer.alloc(16, 1));
  expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  expect(verifier).not.toContain('correct horse');
});

test('a role created with the verifier logs in over SCRAM with its password, and not with another', async () => {
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await admin.query(`CREATE ROLE scram_probe LOGIN PASSWORD '${scramSha256Verifier('s3cret-pass-phrase')}'`);
  await admin.end();
  const good = new pg.Client({ host: '127.0.0.1', port: cluster.port, user: 'scram_probe', password: 's3cret-pass-phrase', database: 'postgres' });
  await good.connect();
  await good.end();
  const bad = new pg.Client({ host: '127.0.0.1', port: cluster.port, user: 'scram_probe', password: 'wrong', database: 'postgres' });
  await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
});
