// The audit entry of a retrieval-augmented chat says how many chunks the model was given and names
// each chunk dropped (for reading as an injection, or for not fitting the model's context) by its
// ids (document, chunk) and its reason, never by its text;
// the entry passes the audit schema, which takes ids, counts and flags only.
import { randomUUID } from 'node:crypto';
import { callerOf } from '@gardien/contracts';
import { StageTimings } from '../stage.js';
import { AuditStage, type CallRecord } from './audit.stage.js';

const tenantId = randomUUID();
const caller = callerOf({ kind: 'user', id: randomUUID(), tenantId, roles: ['user'], mfa: false }, { requestId: randomUUID() });
const call = (overrides: Partial<CallRecord> = {}): CallRecord => ({
  kind: 'chat',
  tenantId,
  model: 'assistant',
  purpose: null,
  subject: null,
  streamed: false,
  decision: 'answered',
  promptTokens: 10,
  completionTokens: 2,
  replaced: {},
  injectionFlagged: false,
  leaked: {},
  inventedPlaceholders: 0,
  timings: new StageTimings(),
  ...overrides,
});
const dropped = (reason: 'injection' | 'context-length' = 'injection') => ({ documentId: randomUUID(), chunkId: randomUUID(), reason });

test('a retrieval: the chunks used, those dropped by count, by ids and reason (A for the first), how many for the context, whether the model had any context', () => {
  const [first, second] = [dropped(), dropped('context-length')];
  const { details } = new AuditStage().entry(caller, call({ retrieval: { used: 3, dropped: [first, second] } }));
  expect(details).toMatchObject({
    retrievedChunks: 3,
    droppedChunks: 2,
    droppedForContextChunks: 1,
    retrievalWithoutContext: false,
    droppedDocumentA: first.documentId,
    droppedChunkA: first.chunkId,
    droppedReasonA: 'injection',
    droppedDocumentB: second.documentId,
    droppedChunkB: second.chunkId,
    droppedReasonB: 'context-length',
  });
  expect(Object.keys(details).filter((key) => key.startsWith('dropped'))).toHaveLength(8);
});

test('every chunk dropped: the call went on without context, and its entry says so; as many dropped as a retrieval can give fit the schema', () => {
  const all = Array.from({ length: 10 }, (_, index) => dropped(index % 2 === 0 ? 'injection' : 'context-length'));
  const { details } = new AuditStage().entry(caller, call({ retrieval: { used: 0, dropped: all } }));
  expect(details).toMatchObject({ retrievedChunks: 0, droppedChunks: 10, droppedForContextChunks: 5, retrievalWithoutContext: true, droppedChunkJ: all[9]!.chunkId, droppedReasonJ: 'context-length' });
});

test('a call without retrieval has no retrieval details', () => {
  const { details } = new AuditStage().entry(caller, call());
  expect(Object.keys(details).filter((key) => /retriev|dropped/i.test(key))).toEqual([]);
});
