// Plain functions for the benchmark (bench/, written elsewhere): a warm key ring over LocalKms
// with an in-memory master key and key store, and one encrypt+decrypt round trip. They build
// nothing a service would not: the same classes, no shortcut around the cipher.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySubjectKeyStore } from './in-memory-key-stores.js';
import type { SubjectKeyStore } from './key-store.port.js';
import { LocalKms } from './local-kms.js';
import { SubjectKeyRing } from './subject-key-ring.js';
import type { SubjectRef, ValuePlace } from './value-context.js';

export interface BenchmarkKeyRing {
  ring: SubjectKeyRing;
  kms: LocalKms;
  store: SubjectKeyStore;
  /** Zeroes the cached keys and deletes the temporary keystore directory. */
  dispose(): Promise<void>;
}

export async function createBenchmarkKeyRing(options: { service?: string; store?: SubjectKeyStore } = {}): Promise<BenchmarkKeyRing> {
  const service = options.service ?? 'bench';
  const dataDir = await mkdtemp(join(tmpdir(), 'gardien-crypto-bench-'));
  const masterKey = randomBytes(32);
  const kms = new LocalKms({ service, dataDir, masterKey });
  masterKey.fill(0);
  const store = options.store ?? new InMemorySubjectKeyStore();
  const ring = new SubjectKeyRing({ service, kms, store });
  return {
    ring,
    kms,
    store,
    async dispose() {
      ring.clearCache();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One encrypt then decrypt of `value`; throws if the round trip does not give it back. */
export async function encryptThenDecrypt(ring: SubjectKeyRing, subject: SubjectRef, place: ValuePlace, value: Buffer): Promise<void> {
  const ciphertext = await ring.encryptFor(subject, place, value);
  const plaintext = await ring.decryptFor(subject, place, ciphertext);
  if (!plaintext.equals(value)) throw new Error('round trip changed the value');
}
