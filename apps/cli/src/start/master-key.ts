// The master key of the embedded keystores for `gardien start`. In development it is created once
// (mode 0600) under the data folder; in production (GARDIEN_ENV=production) it must be given as
// GARDIEN_MASTER_KEY_FILE and is never generated. Only used when GARDIEN_KMS is local.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateMasterKeyFile } from '@gardien/crypto';

export async function ensureDevelopmentMasterKey(dataDir: string, say: (line: string) => void): Promise<string> {
  const given = process.env.GARDIEN_MASTER_KEY_FILE;
  if (given) return resolve(given);
  if (process.env.GARDIEN_KMS === 'vault') return '';
  if (process.env.GARDIEN_ENV === 'production') {
    throw new Error('GARDIEN_MASTER_KEY_FILE is required in production; it is never generated');
  }
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    await generateMasterKeyFile(file);
    say(`development master key created at ${file} (mode 0600); back it up apart from the data`);
  }
  return file;
}
