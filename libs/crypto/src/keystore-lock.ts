// An exclusive lock on a keystore file shared by the processes of one service on one machine
// (replicas in one queue group): `<file>.lock`, created with O_EXCL, removed after the write. A
// lock older than `staleMs` (its holder died) is broken. Writers re-read the file under the lock,
// so no replica overwrites another's keys with a stale copy.
import { open, stat, unlink } from 'node:fs/promises';
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';

export interface KeystoreLockOptions {
  timeoutMs?: number;
  staleMs?: number;
}

export async function withKeystoreLock<T>(file: string, work: () => Promise<T>, options: KeystoreLockOptions = {}): Promise<T> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  const staleMs = options.staleMs ?? 30_000;
  for (;;) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CryptoError(CryptoErrorCode.KmsUnavailable, `keystore lock ${lock} cannot be created`, { file });
      }
      const age = await stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > staleMs) await unlink(lock).catch(() => undefined);
      else if (Date.now() > deadline) throw new CryptoError(CryptoErrorCode.KmsUnavailable, `keystore ${file} is locked by another process`, { file });
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}
