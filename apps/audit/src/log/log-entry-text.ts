// The JCS text (RFC 8785) of an entry in its log form (logEntryOf), written straight from the entry
// in the canonical key order instead of built as an object, walked, sorted and serialised: it was
// a sixth of the intake's time per entry. JCS writes a string or a number as JSON.stringify does
// and sorts keys by UTF-16 code units, so for an entry of the schema's shape (strings without a
// lone surrogate, finite numbers, details of flat values) this is the same text, byte for byte;
// anything else takes the general algorithm, which gives the same text or refuses as it always has.
import { canonicalText } from '@gardien/audit-log';
import { logEntryOf, type AuditEntry } from '@gardien/contracts';

const SURROGATE = /[\ud800-\udfff]/;
const json = JSON.stringify;

/** Whether JSON.stringify writes `value` as JCS does: a string with no surrogate at all (paired ones included: simply not the fast case). */
function plainString(value: unknown): value is string {
  return typeof value === 'string' && !SURROGATE.test(value);
}

function plainValue(value: unknown): boolean {
  return value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || plainString(value);
}

/** `{"id":…,"type":…}` for an object of exactly those two plain strings; undefined otherwise. */
function idAndType(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { id, type } = value as { id?: unknown; type?: unknown };
  if (!plainString(id) || !plainString(type) || Object.keys(value).length !== 2) return undefined;
  return `{"id":${json(id)},"type":${json(type)}}`;
}

/** The details as a JCS object, or undefined when one of them is not a flat value. */
function detailsText(details: unknown): string | undefined {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return undefined;
  const record = details as Record<string, unknown>;
  let text = '';
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    if (!plainString(key) || !plainValue(value)) return undefined;
    text += `${text === '' ? '' : ','}${json(key)}:${json(value)}`;
  }
  return `{${text}}`;
}

const nullableString = (value: unknown): boolean => value === null || plainString(value);

/** The JCS text of logEntryOf(entry): what its leaf hash is the hash of, and what the log stores. */
export function logEntryText(entry: AuditEntry): string {
  const actor = idAndType(entry.actor);
  const target = entry.target === null ? 'null' : idAndType(entry.target);
  const metadata = detailsText(entry.details);
  const plain =
    actor !== undefined &&
    target !== undefined &&
    metadata !== undefined &&
    plainString(entry.action) &&
    plainString(entry.id) &&
    plainString(entry.outcome) &&
    nullableString(entry.requestId) &&
    plainString(entry.service) &&
    nullableString(entry.tenantId) &&
    plainString(entry.occurredAt);
  if (!plain) return canonicalText(logEntryOf(entry));
  // Keys in JCS order: action, actor, id, metadata, outcome, request_id, service, target, tenant, ts.
  return `{"action":${json(entry.action)},"actor":${actor},"id":${json(entry.id)},"metadata":${metadata},"outcome":${json(entry.outcome)},"request_id":${json(entry.requestId)},"service":${json(entry.service)},"target":${target},"tenant":${json(entry.tenantId)},"ts":${json(entry.occurredAt)}}`;
}
