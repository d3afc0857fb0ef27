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

/**
 * Whether the PII engine finds an identifier in the value as written ("06.12.34.56.78",
 * "DE89-3704-…"), or in one of its parts with digits read alone: "ref-0033612345678" is one word
 * to the engine, which reads an international prefix only after a blank, a bracket or a colon.
 * A canonical UUID is the platform's own id form: its 32 random hex digits now and then read as a
 * card number in groups of four.
 */
function holdsIdentifier(value: string): boolean {
  if (Uuid.safeParse(value).success) return false;
  if (scan(value).length > 0) return true;
  const parts = value.split(CODE_SEPARATORS);
  return parts.length > 1 && parts.some((part) => /[0-9]/.test(part) && scan(part).length > 0);
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
