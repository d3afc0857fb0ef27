import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ModelCatalogue, ModelCatalogueError } from './model-catalogue.js';

const digest = 'a'.repeat(64);
const model = { id: 'llama3.2', runtime: 'ollama', name: 'llama3.2:latest', sha256: digest, capabilities: ['chat', 'embeddings'], context_length: 8192 };
const file = (content: unknown) => JSON.stringify(content);

test('reads the documented format', () => {
  const catalogue = ModelCatalogue.parse(file({ models: [model, { ...model, id: 'nomic', name: 'nomic-embed-text', capabilities: ['embeddings'] }] }), 'models.json');
  expect(catalogue.find('llama3.2')).toEqual(model);
  expect(catalogue.find('nope')).toBeUndefined();
  expect(catalogue.serving('chat').map((m) => m.id)).toEqual(['llama3.2']);
  expect(catalogue.serving('embeddings').map((m) => m.id)).toEqual(['llama3.2', 'nomic']);
});

test.each([
  ['not JSON', '{"models": [', /is not JSON/],
  ['a digest that is not 64 hex digits', file({ models: [{ ...model, sha256: 'sha256:abc' }] }), /models\.0\.sha256/],
  ['an upper-case digest', file({ models: [{ ...model, sha256: 'A'.repeat(64) }] }), /models\.0\.sha256/],
  ['an unknown runtime', file({ models: [{ ...model, runtime: 'remote-api' }] }), /models\.0\.runtime/],
  ['an unknown field', file({ models: [{ ...model, url: 'http://example.org' }] }), /models\.0/],
  ['a model listed twice', file({ models: [model, model] }), /models\.1\.id/],
  ['a capability listed twice', file({ models: [{ ...model, capabilities: ['chat', 'chat'] }] }), /models\.0\.capabilities/],
  ['no capability', file({ models: [{ ...model, capabilities: [] }] }), /models\.0\.capabilities/],
])('refuses %s, naming the path and never the value', (_case, text, message) => {
  expect(() => ModelCatalogue.parse(text, 'models.json')).toThrow(message);
  try {
    ModelCatalogue.parse(text, 'models.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ModelCatalogueError);
    expect((error as Error).message).not.toMatch(/remote-api|example\.org|sha256:abc/);
  }
});

test('any text is either a catalogue or a ModelCatalogueError, never another error', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((value) => file({ models: [value] }))), (text) => {
      try {
        ModelCatalogue.parse(text, 'models.json');
      } catch (error) {
        expect(error).toBeInstanceOf(ModelCatalogueError);
      }
    }),
  );
});

test('no file: no model; a missing or oversized file stops the start', async () => {
  expect((await ModelCatalogue.load(undefined)).models).toEqual([]);
  const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
  await expect(ModelCatalogue.load(join(dir, 'missing.json'))).rejects.toThrow(/cannot read/);
  writeFileSync(join(dir, 'big.json'), ' '.repeat(1024 * 1024 + 1));
  await expect(ModelCatalogue.load(join(dir, 'big.json'))).rejects.toThrow(/larger than/);
  writeFileSync(join(dir, 'ok.json'), file({ models: [model] }));
  expect((await ModelCatalogue.load(join(dir, 'ok.json'))).find('llama3.2')).toEqual(model);
});
