// Seals and opens chunk text (vector_chunks.text): AES-256-GCM under the data key of the subject
// the document names, or under the tenant's document key (a key ring entry of its own) when it
// names none, each value bound to its chunk. Erasing the subject destroys its key: its chunks,
// wherever a copy of them lies, no longer open (SUBJECT_ERASED).
import { Injectable } from '@nestjs/common';
import { BlindIndex, SubjectKeyRing } from '@gardien/crypto';
import { PersonalDataCodec } from '@gardien/persistence';
import { VECTOR_CHUNKS } from './document-personal-data.js';

/** The key ring's subject for the chunks of documents about nobody in particular: one key per tenant. */
export const TENANT_DOCUMENT_KEY = 'tenant-documents';

export interface ChunkOwner {
  tenantId: string;
  subjectId: string | null;
  chunkId: string;
}

@Injectable()
export class ChunkCodec {
  private readonly codec: PersonalDataCodec<'text'>;

  constructor(keyRing: SubjectKeyRing, blindIndex: BlindIndex) {
    this.codec = new PersonalDataCodec(VECTOR_CHUNKS, keyRing, blindIndex);
  }

  async seal(owner: ChunkOwner, text: string): Promise<string> {
    return (await this.codec.seal(recordOwner(owner), { text })).text!;
  }

  async open(owner: ChunkOwner, sealed: string): Promise<string> {
    return (await this.codec.open(recordOwner(owner), { text: sealed })).text!;
  }
}

function recordOwner({ tenantId, subjectId, chunkId }: ChunkOwner) {
  return { tenant: tenantId, subject: subjectId ?? TENANT_DOCUMENT_KEY, recordId: chunkId };
}
