// Identifiers that end up in key names, file names, URLs and associated data are checked once,
// here, against a narrow alphabet: no dots (they separate the parts of a Vault key name), no
// slashes, no whitespace. The error names the kind of identifier, never its value.
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';

const SERVICE = /^[a-z][a-z0-9-]{0,39}$/;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const OPAQUE_ID = /^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$/;
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertServiceName(value: string): void {
  if (!SERVICE.test(value)) throw invalid('service name');
}

export function assertTenantId(value: string): void {
  if (!TENANT.test(value)) throw invalid('tenant id');
}

/** Subject and record ids: opaque ids (uuids, ulids, numbers), never free text such as an email. */
export function assertOpaqueId(kind: 'subject id' | 'record id', value: string): void {
  if (!OPAQUE_ID.test(value)) throw invalid(kind);
}

/** Table (or kind) and column names, as SQL would spell them. */
export function assertName(kind: 'table' | 'column' | 'field', value: string): void {
  if (!NAME.test(value)) throw invalid(`${kind} name`);
}

function invalid(what: string): CryptoError {
  return new CryptoError(CryptoErrorCode.InvalidArgument, `invalid ${what}`);
}
