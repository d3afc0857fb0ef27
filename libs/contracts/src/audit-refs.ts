// How audit entries name what has a name chosen by people: a purpose (its id is text the tenant
// chose) and a model (its id is text the operator chose). Audit entries accept ids and system names
// only, so that no free text fits; they carry instead a name-based uuid (RFC 9562 version 5):
// stable, and recomputable by an auditor who knows the name (and, for a purpose, the tenant).
import { createHash } from 'node:crypto';

/** The namespace of model ids: the uuid of the name "gardien:model" in the URL namespace of RFC 9562. */
export const MODEL_NAMESPACE = nameBasedUuid('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'gardien:model');

/** The RFC 9562 name-based (SHA-1, version 5) uuid of `name` in `namespace`. */
export function nameBasedUuid(namespace: string, name: string): string {
  const bytes = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A purpose of a tenant: the tenant's id is the namespace. */
export function purposeAuditRef(tenantId: string, purposeId: string): string {
  return nameBasedUuid(tenantId, purposeId);
}

/** A model of the catalogue, by its public id. */
export function modelAuditRef(modelId: string): string {
  return nameBasedUuid(MODEL_NAMESPACE, modelId);
}

/**
 * A model name that is not in the catalogue: one reference for every such name, so that what a
 * caller typed in its place (an identifier, a phone number) never reaches the log, even hashed.
 */
export const UNLISTED_MODEL_REF = nameBasedUuid(MODEL_NAMESPACE, 'gardien:unlisted-model');
