// A document's chunks as they are embedded and stored: at most its collection's chunk size (the
// embedding model's context must hold one: the demo model's 512 tokens hold about 400 characters),
// and never cut inside an identifier the PII engine finds in the whole document, since no scan of
// a chunk alone would recognise the part of one it holds (the gateway pseudonymises each chunk it
// embeds, and each chunk it quotes to a model, on its own).
import { scan } from '@gardien/pii';
import type { CollectionSpec } from '../collections/collection-catalogue.js';
import { CHUNKING, chunkText, type Chunk } from './chunking.js';

export function documentChunks(text: string, collection: Pick<CollectionSpec, 'chunk_chars'>): Chunk[] {
  const maxChars = collection.chunk_chars ?? CHUNKING.maxChars;
  const overlap = Math.min(CHUNKING.overlap, Math.floor(maxChars / 5));
  return chunkText(text, { maxChars, overlap }, scan(text));
}
