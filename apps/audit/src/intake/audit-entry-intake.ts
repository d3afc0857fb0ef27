// What the audit service takes from stream AUDIT: an entry of the catalogue's schema (ids, codes and
// counts; free text and unknown actions refused), published under the subject of its own service
// and action. Only auth may publish under gardien.audit.auth.>, so an entry whose `service` is not
// its subject's would be one service writing in another's name: refused like a malformed one.
import { AuditEntry, auditSubject } from '@gardien/contracts';

export type IntakeRefusal = 'not_json' | 'invalid_entry' | 'subject_mismatch' | 'not_storable';

export type Intake = { ok: true; entry: AuditEntry } | { ok: false; reason: IntakeRefusal; id: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The entry id of a refused message, when it has a well-formed one: never any other of its content. */
function idOf(value: unknown): string | null {
  const id = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null;
}

const ANY_CASE_UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const UPPER_CASE_HEX = /[A-F]/;

/**
 * Whether a uuid in upper (or mixed) case is written anywhere in the entry. Only its string values
 * can hold one (its keys are the schema's, or detail keys of letters only), so they alone are read.
 */
function hasUpperCaseUuid(value: unknown): boolean {
  if (typeof value === 'string') return UPPER_CASE_HEX.test(value) && (value.match(ANY_CASE_UUID) ?? []).some((uuid) => uuid !== uuid.toLowerCase());
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasUpperCaseUuid);
}

/** Years 1970 to 9999: every entry is written by a running service, and Postgres holds them all. */
function storableTime(iso: string): boolean {
  const year = Number(iso.slice(0, 4));
  return year >= 1970 && year <= 9999;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function takeEntry(subject: string, data: Uint8Array): Intake {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(data));
  } catch {
    return { ok: false, reason: 'not_json', id: null };
  }
  const parsed = AuditEntry.safeParse(value);
  if (!parsed.success) return { ok: false, reason: 'invalid_entry', id: idOf(value) };
  if (auditSubject(parsed.data.service, parsed.data.action) !== subject) return { ok: false, reason: 'subject_mismatch', id: parsed.data.id };
  // Stored as Postgres uuids and timestamps: one id in two cases is one id there, and a year the
  // database refuses would fail the whole batch it came in.
  if (hasUpperCaseUuid(parsed.data) || !storableTime(parsed.data.occurredAt)) return { ok: false, reason: 'not_storable', id: idOf(value) };
  return { ok: true, entry: parsed.data };
}
