// The master key of LocalKms: 32 random bytes, base64, in a file that only its owner may read
// (GARDIEN_MASTER_KEY_FILE, a Docker secret in production). Development may generate it on first
// start; production must be given one and refuses to generate (generateIfMissing: false).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';

export const MASTER_KEY_FILE_VARIABLE = 'GARDIEN_MASTER_KEY_FILE';
export const MASTER_KEY_BYTES = 32;

const BASE64 = /^[A-Za-z0-9+/]{43}=$/;

export interface LoadMasterKeyOptions {
  file: string;
  /** True in development only: create the file (mode 0600) when it does not exist. */
  generateIfMissing: boolean;
}

/** Reads the master key, or creates it first when allowed. The caller zeroes the buffer when done. */
export async function loadMasterKey(options: LoadMasterKeyOptions): Promise<Buffer> {
  if (options.generateIfMissing && !(await exists(options.file))) {
    await generateMasterKeyFile(options.file);
  }
  return readMasterKeyFile(options.file);
}

/** Creates a new master key file with mode 0600; refuses to overwrite an existing one. */
export async function generateMasterKeyFile(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(MASTER_KEY_BYTES);
  let handle: FileHandle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (error) {
    const reason = isErrno(error, 'EEXIST') ? 'already exists' : 'cannot be created';
    throw new CryptoError(CryptoErrorCode.MasterKeyInvalid, `master key file ${file} ${reason}`, { file });
  }
  try {
    await handle.writeFile(`${key.toString('base64')}\n`);
    await handle.sync();
  } finally {
    key.fill(0);
    await handle.close();
  }
}

/** Reads and checks a master key file: a regular file, not readable by group or others, 32 bytes. */
export async function readMasterKeyFile(file: string): Promise<Buffer> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw invalid(file, 'is not a regular file');
    if ((info.mode & 0o077) !== 0) throw invalid(file, 'must not be accessible to group or others (chmod 600)');
    text = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw invalid(file, isErrno(error, 'ENOENT') ? 'does not exist' : 'cannot be read');
  }
  if (!BASE64.test(text)) throw invalid(file, 'must hold 32 bytes in base64');
  return Buffer.from(text, 'base64');
}

function invalid(file: string, reason: string): CryptoError {
  return new CryptoError(CryptoErrorCode.MasterKeyInvalid, `master key file ${file} ${reason}`, { file });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw invalid(file, 'cannot be read');
  }
}

export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
