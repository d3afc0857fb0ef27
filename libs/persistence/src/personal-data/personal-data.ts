// The columns of a table that hold personal data (part of a store of the service's data
// inventory, personalDataStore), and the codec that seals them before they reach the database and
// opens them after. Sealed columns hold only ciphertext bound
// to their place (tenant, subject, table, record, column); what must be found by equality is also
// stored as a blind index (keyed HMAC), never in clear. A subject whose key was destroyed reads
// as SUBJECT_ERASED, a value moved or altered as DECRYPTION_FAILED: never garbage, never partial.
import { type BlindIndex, type SubjectKeyRing, normaliseEmail, exactValue, type Normaliser } from '@gardien/crypto';

export interface BlindIndexedColumn {
  /** The sealed column whose clear value is indexed. */
  source: string;
  normalise: 'email' | 'exact';
}

export interface PersonalDataDeclaration<C extends string> {
  /** The table (also the AAD "table" of every value). */
  table: string;
  /** Columns whose values are personal data: stored sealed. */
  sealed: readonly C[];
  /** Index columns (by name) computed from sealed columns, for lookups by equality. */
  blindIndexes?: Readonly<Record<string, BlindIndexedColumn & { source: C }>>;
}

export interface RecordOwner {
  tenant: string;
  subject: string;
  recordId: string;
}

const NORMALISERS: Record<BlindIndexedColumn['normalise'], Normaliser> = { email: normaliseEmail, exact: exactValue };

export class PersonalDataCodec<C extends string> {
  constructor(
    private readonly declaration: PersonalDataDeclaration<C>,
    private readonly keyRing: SubjectKeyRing,
    private readonly blindIndex: BlindIndex,
  ) {}

  /** Ciphertexts of the given sealed columns and the blind indexes that derive from them. */
  async seal(owner: RecordOwner, values: Partial<Record<C, string | null>>): Promise<Record<string, string | null>> {
    const sealed: Record<string, string | null> = {};
    for (const column of this.declaration.sealed) {
      const value = values[column];
      if (value === undefined) continue;
      sealed[column] =
        value === null
          ? null
          : await this.keyRing.encryptFor(owner, { table: this.declaration.table, recordId: owner.recordId, column }, value);
    }
    for (const [index, { source, normalise }] of Object.entries(this.declaration.blindIndexes ?? {})) {
      const value = values[source as C];
      if (value === undefined) continue;
      sealed[index] = value === null ? null : await this.lookupKey(owner.tenant, index, value, normalise);
    }
    return sealed;
  }

  /** Clear values of the sealed columns of a row read from the database. */
  async open(owner: RecordOwner, row: Partial<Record<C, string | null>>): Promise<Record<C, string | null>> {
    const opened = {} as Record<C, string | null>;
    for (const column of this.declaration.sealed) {
      const value = row[column];
      if (value === undefined) continue;
      opened[column] =
        value === null
          ? null
          : await this.keyRing.decryptStringFor(owner, { table: this.declaration.table, recordId: owner.recordId, column }, value);
    }
    return opened;
  }

  /** The value to compare an index column with, to find rows by a clear value. */
  async lookupKey(tenant: string, index: string, value: string, normalise?: BlindIndexedColumn['normalise']): Promise<string> {
    const declared = this.declaration.blindIndexes?.[index];
    if (!declared) throw new Error(`no blind index ${index} on ${this.declaration.table}`);
    return this.blindIndex.compute(tenant, `${this.declaration.table}__${index}`, value, NORMALISERS[normalise ?? declared.normalise]);
  }
}
