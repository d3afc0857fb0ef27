// The vector store's requests against hostile input, property-based: whatever JSON comes, parsing
// either yields a request of the contract or refuses it as VALIDATION_FAILED (never another error),
// a tenant can never be named (at the top, or in a filter), metadata holds ids and codes only, and
// the text no store can keep (NUL, lone surrogates) is refused. The classifications are libs/authz's.
import fc from 'fast-check';
import { ErrorCode, GardienError } from '../errors.js';
import { parsePayload } from '../validation.js';
import { DOCUMENT_CLASSIFICATIONS, IngestDocumentRequest, SearchRequest } from './vector-store-operations.js';

const refusedOrParsed = (schema: typeof IngestDocumentRequest | typeof SearchRequest, payload: unknown): unknown => {
  try {
    return parsePayload(schema, payload);
  } catch (error) {
    expect(error).toBeInstanceOf(GardienError);
    expect((error as GardienError).code).toBe(ErrorCode.ValidationFailed);
    return undefined;
  }
};

const valid = {
  ingest: fc.record({
    collection: fc.constantFrom('documents', 'contrats'),
    text: fc.string({ minLength: 1, maxLength: 200 }).filter((t) => !/[\u0000\ud800-\udfff]/.test(t)),
    purpose: fc.constantFrom('support', 'billing'),
    classification: fc.constantFrom(...DOCUMENT_CLASSIFICATIONS),
    metadata: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/), { maxKeys: 5 }),
  }),
};

test('any JSON is a valid request or VALIDATION_FAILED; an accepted one never names a tenant', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), valid.ingest.map((request) => ({ ...request })), fc.record({ collection: fc.constant('documents'), query: fc.string(), filter: fc.jsonValue() })), (payload) => {
      for (const schema of [IngestDocumentRequest, SearchRequest]) {
        const parsed = refusedOrParsed(schema, payload);
        if (parsed !== undefined) expect(JSON.stringify(parsed)).not.toMatch(/"tenant/);
      }
    }),
  );
});

test('a tenant field anywhere in a search or an ingestion is refused', () => {
  fc.assert(
    fc.property(valid.ingest, fc.constantFrom('tenant_id', 'tenantId', 'tenant'), fc.uuid(), (request, field, tenant) => {
      expect(refusedOrParsed(IngestDocumentRequest, request)).toBeDefined();
      expect(refusedOrParsed(IngestDocumentRequest, { ...request, [field]: tenant })).toBeUndefined();
      expect(refusedOrParsed(SearchRequest, { collection: request.collection, query: 'q', filter: { [field]: tenant } })).toBeUndefined();
      expect(refusedOrParsed(SearchRequest, { collection: request.collection, query: 'q', [field]: tenant })).toBeUndefined();
    }),
  );
});

test('metadata holds ids and codes: prose, empty values, long keys and too many fields are refused', () => {
  const base = { collection: 'documents', text: 'x', purpose: 'support' };
  for (const metadata of [{ note: 'Camille Martin' }, { note: '' }, { ['k'.repeat(41)]: 'v' }, Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))]) {
    expect(refusedOrParsed(IngestDocumentRequest, { ...base, metadata })).toBeUndefined();
  }
  expect(refusedOrParsed(IngestDocumentRequest, { ...base, text: 'a\u0000b' })).toBeUndefined();
  expect(refusedOrParsed(IngestDocumentRequest, { ...base, text: 'a\ud800b' })).toBeUndefined();
  expect(refusedOrParsed(SearchRequest, { collection: 'documents' })).toBeUndefined();
  expect(refusedOrParsed(SearchRequest, { collection: 'documents', vector: [Number.NaN] })).toBeUndefined();
  expect(refusedOrParsed(SearchRequest, { collection: 'documents', query: 'q', top_k: 51 })).toBeUndefined();
});
