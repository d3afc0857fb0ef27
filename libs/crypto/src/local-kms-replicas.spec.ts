// Two processes of one service share its keystore file (replicas in one queue group). Neither may
// overwrite the other's keys, and each sees keys the other created.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKms } from './local-kms.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gardien-kms-replicas-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('keys created by two replicas at once are all kept, and each can use the other’s', async () => {
  const masterKey = randomBytes(32);
  const first = new LocalKms({ service: 'tenant', dataDir: dir, masterKey });
  const second = new LocalKms({ service: 'tenant', dataDir: dir, masterKey });
  const tenants = Array.from({ length: 6 }, () => randomUUID());
  await Promise.all(tenants.map((tenant, i) => (i % 2 === 0 ? first : second).ensureTenantKey({ service: 'tenant', tenant })));
  for (const tenant of tenants) {
    const ref = { service: 'tenant', tenant };
    const { plaintext, wrapped } = await first.generateDataKey(ref);
    expect(await second.unwrapDataKey(ref, wrapped)).toEqual(plaintext);
  }
  const third = new LocalKms({ service: 'tenant', dataDir: dir, masterKey });
  for (const tenant of tenants) await expect(third.generateDataKey({ service: 'tenant', tenant })).resolves.toBeDefined();
});
