// The retrieval stage trusts the vector store no more than any other service (zero trust on the
// bus): what it answers is bounded to what the call asked for before it becomes prompt.
import { randomUUID } from 'node:crypto';
import { callerOf, type SearchResult } from '@gardien/contracts';
import { ChunkSource, MAX_RETRIEVED_CHUNK_CHARS, RetrievalStage, type ChunkSearch } from './retrieval.stage.js';

class Overflowing extends ChunkSource {
  readonly asked: ChunkSearch[] = [];
  async search(search: ChunkSearch): Promise<SearchResult[]> {
    this.asked.push(search);
    return Array.from({ length: 50 }, (_, index) => ({ document_id: randomUUID(), chunk_id: randomUUID(), chunk: 'x'.repeat(100_000), score: 1 - index / 100, classification: 'internal' as const }));
  }
}

const caller = callerOf({ kind: 'user', id: randomUUID(), tenantId: randomUUID(), roles: ['user'], mfa: false }, { requestId: randomUUID() });
const query = (top_k?: number) => ({ caller, token: 't', retrieval: { collection: 'dossiers', ...(top_k ? { top_k } : {}) }, purpose: 'support', question: 'Quoi ?', signal: new AbortController().signal });

test('a store that answers more chunks than asked, or longer ones, is cut to top_k chunks of bounded length', async () => {
  const source = new Overflowing();
  const chunks = await new RetrievalStage(source).run(query(3));
  expect(chunks).toHaveLength(3);
  for (const chunk of chunks) expect(chunk.chunk.length).toBe(MAX_RETRIEVED_CHUNK_CHARS);
  expect(await new RetrievalStage(source).run(query())).toHaveLength(4);
  expect(source.asked.map((search) => search.topK)).toEqual([3, 4]);
});

test('a question of only blanks, or none, is refused before the store is asked', async () => {
  const source = new Overflowing();
  await expect(new RetrievalStage(source).run({ ...query(), question: '  \n' })).rejects.toMatchObject({ reason: 'retrieval_without_question' });
  await expect(new RetrievalStage(source).run({ ...query(), question: undefined })).rejects.toMatchObject({ reason: 'retrieval_without_question' });
  expect(source.asked).toEqual([]);
});
