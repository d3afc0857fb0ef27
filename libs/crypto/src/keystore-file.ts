// The sealed keystore file of LocalKms: one JSON document per service, whose body (the tenant
// keys) is AES-256-GCM encrypted under a key derived from the master key, with the header as
// associated data. The header also carries a key check value (derived from the master key by
// HKDF) so that a wrong master key is told apart from a tampered file. Writes are atomic: a
// temporary file is written, fsynced and renamed over the old one, then the directory is fsynced.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import { isErrno } from './master-key.js';

const FORMAT = 'gardien-keystore';
const FORMAT_VERSION = 1;

export interface TenantKeyVersions {
  latestVersion: number;
  minDecryptionVersion: number;
  /** Key material by version number. */
  versions: Map<number, Buffer>;
}

export type KeystoreContents = Map<string, TenantKeyVersions>;

interface Header {
  format: string;
  version: number;
  service: string;
  keyCheck: string;
}

interface SealedFile extends Header {
  iv: string;
  sealed: string;
}

interface SerializedTenant {
  latestVersion: number;
  minDecryptionVersion: number;
  versions: Record<string, string>;
}

/** Subkeys of the master key: one seals the file, the other only recognises the master key. */
function deriveKeys(masterKey: Buffer): { sealKey: Buffer; keyCheck: Buffer } {
  const sealKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'gardien/keystore/seal/v1', 32));
  const keyCheck = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'gardien/keystore/check/v1', 16));
  return { sealKey, keyCheck };
}

function headerBytes(header: Header): Buffer {
  return Buffer.from(JSON.stringify([header.format, header.version, header.service, header.keyCheck]), 'utf8');
}

/** Reads and opens the keystore; an empty keystore if the file does not exist yet. */
export async function readKeystore(file: string, masterKey: Buffer, service: string): Promise<KeystoreContents> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return new Map();
    throw new CryptoError(CryptoErrorCode.KmsUnavailable, `keystore file ${file} cannot be read`, { file });
  }
  const sealedFile = parseSealedFile(text, file);
  if (sealedFile.service !== service) throw tampered(file);
  const { sealKey, keyCheck } = deriveKeys(masterKey);
  const storedCheck = Buffer.from(sealedFile.keyCheck, 'base64');
  if (storedCheck.length !== keyCheck.length || !timingSafeEqual(storedCheck, keyCheck)) {
    throw new CryptoError(CryptoErrorCode.WrongMasterKey, `keystore file ${file} was sealed with another master key`, { file });
  }
  let plaintext: Buffer;
  try {
    const sealed = Buffer.from(sealedFile.sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', sealKey, Buffer.from(sealedFile.iv, 'base64'), { authTagLength: 16 });
    decipher.setAAD(headerBytes(sealedFile));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    plaintext = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    throw tampered(file);
  } finally {
    sealKey.fill(0);
  }
  try {
    return deserialize(plaintext.toString('utf8'), file);
  } finally {
    plaintext.fill(0);
  }
}

/** Seals the contents and replaces the keystore file atomically (mode 0600). */
export async function writeKeystore(file: string, masterKey: Buffer, service: string, contents: KeystoreContents): Promise<void> {
  const { sealKey, keyCheck } = deriveKeys(masterKey);
  const header: Header = { format: FORMAT, version: FORMAT_VERSION, service, keyCheck: keyCheck.toString('base64') };
  const iv = randomBytes(12);
  const plaintext = Buffer.from(serialize(contents), 'utf8');
  let sealed: Buffer;
  try {
    const cipher = createCipheriv('aes-256-gcm', sealKey, iv, { authTagLength: 16 });
    cipher.setAAD(headerBytes(header));
    sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  } finally {
    plaintext.fill(0);
    sealKey.fill(0);
  }
  const document: SealedFile = { ...header, iv: iv.toString('base64'), sealed: sealed.toString('base64') };
  await writeAtomically(file, `${JSON.stringify(document)}\n`);
}

async function writeAtomically(file: string, data: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    const directory = await open(dirname(file), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  } catch {
    await unlink(temporary).catch(() => undefined);
    throw new CryptoError(CryptoErrorCode.KmsUnavailable, `keystore file ${file} cannot be written`, { file });
  }
}

function parseSealedFile(text: string, file: string): SealedFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw tampered(file);
  }
  const candidate = value as Partial<Record<keyof SealedFile, unknown>>;
  if (
    typeof value !== 'object' ||
    value === null ||
    candidate.format !== FORMAT ||
    candidate.version !== FORMAT_VERSION ||
    typeof candidate.service !== 'string' ||
    typeof candidate.keyCheck !== 'string' ||
    typeof candidate.iv !== 'string' ||
    typeof candidate.sealed !== 'string'
  ) {
    throw tampered(file);
  }
  return candidate as SealedFile;
}

function serialize(contents: KeystoreContents): string {
  const tenants: Record<string, SerializedTenant> = {};
  for (const [tenant, entry] of contents) {
    const versions: Record<string, string> = {};
    for (const [version, key] of entry.versions) versions[String(version)] = key.toString('base64');
    tenants[tenant] = { latestVersion: entry.latestVersion, minDecryptionVersion: entry.minDecryptionVersion, versions };
  }
  return JSON.stringify({ tenants });
}

function deserialize(text: string, file: string): KeystoreContents {
  // The body authenticated, so it is ours; a shape error here means a bug, still reported as tampering.
  try {
    const parsed = JSON.parse(text) as { tenants: Record<string, SerializedTenant> };
    const contents: KeystoreContents = new Map();
    for (const [tenant, entry] of Object.entries(parsed.tenants)) {
      const versions = new Map<number, Buffer>();
      for (const [version, key] of Object.entries(entry.versions)) versions.set(Number(version), Buffer.from(key, 'base64'));
      contents.set(tenant, { latestVersion: entry.latestVersion, minDecryptionVersion: entry.minDecryptionVersion, versions });
    }
    return contents;
  } catch {
    throw tampered(file);
  }
}

function tampered(file: string): CryptoError {
  return new CryptoError(CryptoErrorCode.KeystoreTampered, `keystore file ${file} is damaged or was altered`, { file });
}
