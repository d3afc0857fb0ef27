// The catalogue file as the operator's commands read and write it: validated whole, written by a
// rename so that a reader never sees half of it.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogueModel } from '@gardien/contracts';
import { CatalogueFileError, readCatalogueFile, writeCatalogueFile } from './catalogue-file.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'gardien-catalogue-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const model: CatalogueModel = { id: 'demo', runtime: 'embedded', name: 'demo.gguf', sha256: '0'.repeat(64), capabilities: ['chat'], context_length: 512 };

test('an absent file is an empty catalogue', async () => {
  expect(await readCatalogueFile(join(root, 'models.json'))).toEqual({ models: [] });
});

test('what is written reads back, and no temporary file stays beside it', async () => {
  const path = join(root, 'models.json');
  await writeCatalogueFile(path, { models: [model] });
  await writeCatalogueFile(path, { models: [model, { ...model, id: 'other' }] });
  expect(await readCatalogueFile(path)).toEqual({ models: [model, { ...model, id: 'other' }] });
  expect(await readdir(root)).toEqual(['models.json']);
  expect((await readFile(path, 'utf8')).endsWith('}\n')).toBe(true);
});

test('a catalogue the contract refuses is not written', async () => {
  const path = join(root, 'models.json');
  await expect(writeCatalogueFile(path, { models: [model, model] })).rejects.toThrow();
  expect(await readdir(root)).toEqual([]);
});

test.each([
  ['not JSON', '{', 'is not JSON'],
  ['an unknown field', JSON.stringify({ models: [], extra: 1 }), 'is not valid: (root)'],
  ['an id listed twice', JSON.stringify({ models: [model, model] }), 'is not valid: models.1.id: a model id listed twice'],
  ['a bad digest', JSON.stringify({ models: [{ ...model, sha256: 'ABC' }] }), 'is not valid: models.0.sha256'],
])('a file with %s is refused with a CatalogueFileError saying so', async (_what, content, message) => {
  const path = join(root, 'models.json');
  await writeFile(path, content);
  const error = await readCatalogueFile(path).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CatalogueFileError);
  expect((error as Error).message).toContain(`the catalogue ${path} ${message}`);
});

test('a file larger than 1 MiB is refused without being parsed', async () => {
  const path = join(root, 'models.json');
  await writeFile(path, ' '.repeat(1024 * 1024 + 1));
  await expect(readCatalogueFile(path)).rejects.toThrow(`the catalogue ${path} is larger than 1048576 bytes`);
});

test('a catalogue path that is a directory cannot be read', async () => {
  await expect(readCatalogueFile(root)).rejects.toBeInstanceOf(CatalogueFileError);
});

test("the refusal names the first problem's place and kind, never what the file holds (an unknown field's name, a value)", async () => {
  const path = join(root, 'models.json');
  const marker = 'jean.dupont-notes';
  for (const content of [{ models: [], [marker]: 1 }, { models: [{ ...model, [marker]: 1 }] }, { models: [{ ...model, runtime: marker }] }, { models: [{ ...model, sha256: marker }] }]) {
    await writeFile(path, JSON.stringify(content));
    const error = await readCatalogueFile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CatalogueFileError);
    expect((error as Error).message).toMatch(new RegExp(`^the catalogue ${path} is not valid: (\\(root\\)|models\\.0(\\.runtime|\\.sha256)?): `));
    expect((error as Error).message).not.toContain(marker);
  }
});
