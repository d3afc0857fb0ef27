// Where a value lives. Every encrypted value is bound, through the AES-GCM associated data, to
// its exact place: service, tenant, subject, table (or kind), record id and column. A ciphertext
// copied to any other place fails to authenticate. The encoding is length-prefixed so that no two
// different places can produce the same bytes.
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import { assertName, assertOpaqueId, assertServiceName, assertTenantId } from './identifiers.js';

/** Whose data it is. */
export interface SubjectRef {
  readonly tenant: string;
  readonly subject: string;
}

/** Where the value is stored: a table (or another kind of record), a record id and a column. */
export interface ValuePlace {
  readonly table: string;
  readonly recordId: string;
  readonly column: string;
}

export interface ValueContext extends SubjectRef, ValuePlace {
  readonly service: string;
}

export function assertValueContext(context: ValueContext): void {
  assertServiceName(context.service);
  assertTenantId(context.tenant);
  assertOpaqueId('subject id', context.subject);
  assertName('table', context.table);
  assertOpaqueId('record id', context.recordId);
  assertName('column', context.column);
}

const DOMAIN = 'gardien/value';

export function encodeAssociatedData(context: ValueContext, formatVersion: number, keyId: string): Buffer {
  const prefix = keyPrefix(formatVersion, keyId, context);
  const suffix = [context.table, context.recordId, context.column];
  let size = prefix.length;
  for (const part of suffix) size += 2 + Buffer.byteLength(part, 'utf8');
  const out = Buffer.allocUnsafe(size);
  prefix.copy(out, 0);
  writeParts(out, prefix.length, suffix);
  return out;
}

/**
 * The encoded parts that stay the same for every value of one subject under one key, cached:
 * they are most of the associated data, rebuilt otherwise for every value sealed or opened.
 */
const prefixes = new Map<string, Buffer>();
const MAX_PREFIXES = 4_096;

function keyPrefix(formatVersion: number, keyId: string, context: ValueContext): Buffer {
  const id = `${formatVersion}\u0000${keyId}\u0000${context.service}\u0000${context.tenant}\u0000${context.subject}`;
  const cached = prefixes.get(id);
  if (cached) return cached;
  const parts = [DOMAIN, String(formatVersion), keyId, context.service, context.tenant, context.subject];
  let size = 0;
  for (const part of parts) size += 2 + Buffer.byteLength(part, 'utf8');
  const prefix = Buffer.alloc(size);
  writeParts(prefix, 0, parts);
  if (prefixes.size >= MAX_PREFIXES) prefixes.clear();
  prefixes.set(id, prefix);
  return prefix;
}

function writeParts(out: Buffer, start: number, parts: readonly string[]): void {
  let offset = start;
  for (const part of parts) {
    const length = out.write(part, offset + 2, 'utf8');
    if (length > 0xffff) throw new CryptoError(CryptoErrorCode.InvalidArgument, 'associated data part too long');
    out.writeUInt16BE(length, offset);
    offset += 2 + length;
  }
}

/** How a record is named in errors: ids only. */
export function describePlace(context: ValuePlace): string {
  return `${context.table}/${context.recordId}.${context.column}`;
}
