// The operator's collections file: one that cannot be used stops the service with a configuration
// error (exit 78) naming the variable, the file and the first problem, never what the file holds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupConfigError } from '@gardien/bootstrap';
import { loadCollections } from './collection-catalogue.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-collections-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const defaults = { model: 'gardien-demo', dimensions: 64 };

test('absent, not JSON, or not a collections file: a StartupConfigError naming the variable, the file and the problem, quoting nothing of it', () => {
  const notJson = join(dir, 'not-json.json');
  writeFileSync(notJson, '{"collections": [ jean.dupont@example.fr');
  const notCollections = join(dir, 'bad.json');
  writeFileSync(notCollections, JSON.stringify({ collections: [{ id: 'Bad Id', model: 'x', dimensions: -1, 'jean.dupont@example.fr': 1 }] }));
  for (const [file, problem] of [
    [join(dir, 'absent.json'), 'cannot read'],
    [notJson, 'is not JSON'],
    [notCollections, 'collections.0'],
  ] as const) {
    const error = (() => {
      try {
        loadCollections(file, defaults);
      } catch (failure) {
        return failure;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StartupConfigError);
    expect(error).toMatchObject({ variable: 'GARDIEN_VECTOR_COLLECTIONS_FILE' });
    expect((error as StartupConfigError).problem).toContain(file);
    expect((error as StartupConfigError).problem).toContain(problem);
    expect((error as StartupConfigError).message).not.toContain('dupont');
  }
});

test('without a file, one collection of the default model, with the default chunk size unless one is given', () => {
  expect(loadCollections(undefined, defaults)).toEqual([{ id: 'documents', model: 'gardien-demo', dimensions: 64, metadata_fields: [] }]);
  expect(loadCollections(undefined, { ...defaults, chunkChars: 400 })[0]).toMatchObject({ chunk_chars: 400 });
});
