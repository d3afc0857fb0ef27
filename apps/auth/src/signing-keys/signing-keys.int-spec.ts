// Token signing keys against the machine's Postgres: private keys stored sealed, tokens that every
// service's verifier accepts, rotation with overlap (tokens signed before a rotation still verify).
import { mkdtempSync, rmSync } from 'node:fs';
import { audienceOf } from '@gardien/contracts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { CreateGardienKeys1732579300000, LocalKms, PostgresSubjectKeyStore, SubjectKeyRing, generateMasterKeyFile } from '@gardien/crypto';
import { openServiceDatabase, tenantScopedSql } from '@gardien/persistence';
import { TokenVerifier } from '@gardien/authz';
import { ADMIN_URL, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { CreateSigningKeys1732580000000 } from '../migrations/1732580000000-create-signing-keys.js';
import { SigningKeysRepository } from './signing-keys.repository.js';
import { SigningKeysService } from './signing-keys.service.js';

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-signing-keys-'));
let runtime: DataSource;
let service: SigningKeysService;

const claims = { sub: 'user-42', tid: '2c0d9f8e-6f0a-4c55-b0f4-1c7e2d9a8b30', kind: 'user' as const, roles: ['developer' as const], mfa: false };

beforeAll(async () => {
  ({ runtime } = await openServiceDatabase({ service: 'auth', prefix, adminUrl: ADMIN_URL, migrations: [CreateGardienKeys1732579300000, CreateSigningKeys1732580000000] }));
  await generateMasterKeyFile(join(dir, 'master.key'));
  const kms = await LocalKms.open({ service: 'auth', dataDir: dir, masterKeyFile: join(dir, 'master.key'), generateMasterKeyIfMissing: false });
  const ring = new SubjectKeyRing({ service: 'auth', kms, store: new PostgresSubjectKeyStore(tenantScopedSql(runtime)) });
  service = new SigningKeysService(new SigningKeysRepository(runtime), ring, 300);
});

afterAll(async () => {
  await runtime?.destroy();
  await dropTestDatabases(prefix);
  rmSync(dir, { recursive: true, force: true });
});

test('issued tokens verify with the published key set; private keys are stored sealed only', async () => {
  const verifier = new TokenVerifier(() => service.jwks(), { audience: audienceOf('edge-api'), minRefreshIntervalMs: 0 });
  const { token, expiresIn } = await service.issueAccessToken(claims, audienceOf('edge-api'), 3_600);
  expect(expiresIn).toBe(900);
  expect(await verifier.verify(token)).toEqual({ kind: 'user', id: 'user-42', tenantId: claims.tid, roles: ['developer'], mfa: false, expiresAt: expect.any(Number) });
  const rows: Array<{ private_key_sealed: string }> = await runtime.query('SELECT private_key_sealed FROM auth_signing_keys');
  expect(rows.length).toBe(1);
  expect(rows[0]!.private_key_sealed).toMatch(/^g1\./);
  expect(rows[0]!.private_key_sealed).not.toContain('"d"');
});

test('a rotation publishes the new key before it signs; tokens signed before still verify', async () => {
  const verifier = new TokenVerifier(() => service.jwks(), { audience: audienceOf('edge-api'), minRefreshIntervalMs: 0 });
  const before = (await service.issueAccessToken(claims, audienceOf('edge-api'))).token;
  const newKid = await service.rotate();
  const kidNow = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;
  // Published at once, but the previous key signs until the new one takes over.
  expect((await service.jwks()).keys.map((k) => k.kid)).toContain(newKid);
  expect(kidNow((await service.issueAccessToken(claims, audienceOf('edge-api'))).token)).toBe(kidNow(before));
  await new Promise((resolve) => setTimeout(resolve, 400));
  const after = (await service.issueAccessToken(claims, audienceOf('edge-api'))).token;
  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;
  expect(kidOf(after)).toBe(newKid);
  expect(kidOf(before)).not.toBe(newKid);
  expect((await service.jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([newKid, kidOf(before)]));
  expect((await verifier.verify(before)).id).toBe('user-42');
  expect((await verifier.verify(after)).id).toBe('user-42');
});
