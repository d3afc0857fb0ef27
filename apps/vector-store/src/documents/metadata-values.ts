// Metadata, a document's or a search filter's, is ids and codes only: it is stored in clear (in
// vector_documents, vector_points and Qdrant payloads) to be filtered on. The contract's pattern
// (MetadataValue in libs/contracts) keeps out prose, emails, names written with spaces, NUL and
// lone surrogates; an identifier written the way ids are (a phone number as ten digits, an IBAN
// without spaces, a NIR, a SIRET) passes a pattern, so every value is also read by the platform's
// PII engine, the one the gateway scans prompts with. That check cannot be in the contract:
// libs/contracts depends on no other lib.
import { Uuid, type DocumentMetadata } from '@gardien/contracts';
import { scan } from '@gardien/pii';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';

/** What joins the parts of a code (the contract's pattern allows no other punctuation). */
const CODE_SEPARATORS = /[._:-]/;
/** Where letters and digits meet ("ref0612345678"): the engine reads a number only apart from a word. */
const LETTER_DIGIT_BOUNDARY = /(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/gu;
/** Runs of digits with the code separators between them ("0612:345678", "732:829:320"). */
const DIGIT_RUNS = /[0-9](?:[._:-]*[0-9])*/g;
/** Where an IBAN could start inside a word: two letters, then two digits. */
const IBAN_STARTS = /[A-Z]{2}(?=[0-9]{2}[A-Z0-9]{11})/gi;

/**
 * The readings of a value the engine is asked about, each a few dozen characters at most (the
 * contract bounds a value): as written; each part between separators; letters and digits set
 * apart ("ref 0612345678", "ip 192.168.1.10"); each run of digits with its separators dropped
 * ("0612345678" of "0612:345678"); from each place an IBAN could start, upper-cased.
 */
function readings(value: string): string[] {
  const parts = value.split(CODE_SEPARATORS);
  const apart = value.replace(LETTER_DIGIT_BOUNDARY, ' ');
  const runs = (value.match(DIGIT_RUNS) ?? []).map((run) => run.replace(/[._:-]/g, ''));
  const ibans = [...value.matchAll(IBAN_STARTS)].map((match) => value.slice(match.index).toUpperCase());
  return [value, ...(parts.length > 1 ? parts : []), apart, ...runs, ...ibans];
}

/**
 * Whether the PII engine finds an identifier in one of the value's readings: as written
 * ("06.12.34.56.78", "DE89-3704-…"), or read apart where it would be one word to the engine
 * ("ref-0033612345678", "nir185077512345608", "siren732:829:320", "IBANFR76…"). A canonical UUID
 * is the platform's own id form: its 32 random hex digits now and then read as a card number in
 * groups of four (an id can always carry data in an encoding; the check finds identifiers as
 * people write them).
 */
function holdsIdentifier(value: string): boolean {
  if (Uuid.safeParse(value).success) return false;
  return readings(value).some((reading) => /[0-9]/.test(reading) && scan(reading).length > 0);
}

/**
 * Refuses (400 metadata_value_personal, before anything is stored) metadata with a value the PII
 * engine finds an identifier in. The detail names the place (`metadata.*`, `filter.metadata.*`),
 * never the field's value.
 */
export function refusePersonalMetadata(metadata: DocumentMetadata | undefined, place: 'metadata' | 'filter.metadata'): void {
  if (Object.values(metadata ?? {}).some(holdsIdentifier)) {
    throw vectorStoreError(VectorStoreReason.MetadataValuePersonal, { details: [{ path: `${place}.*`, reason: VectorStoreReason.MetadataValuePersonal }] });
  }
}
