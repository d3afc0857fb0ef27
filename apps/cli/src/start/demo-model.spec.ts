// `gardien start` with no model configured: the demo model and its catalogue are written under the
// data directory and the gateway gets the three variables; an operator who configured anything
// gets nothing written and nothing changed.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCatalogueFile } from '@gardien/contracts';
import { buildDemoModel, DEMO_MODEL, ModelFiles } from '@gardien/gguf';
import { DEMO_OWNED_BY, demoModelEnvironment } from './demo-model.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gardien-demo-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('with nothing configured: writes the demo model and a catalogue listing it, says so, and returns the three variables', async () => {
  const said: string[] = [];
  const env = await demoModelEnvironment(dataDir, {}, (line) => said.push(line));
  const modelsDir = join(dataDir, 'models');
  const catalogue = join(dataDir, 'demo-models.json');
  expect(env).toEqual({ GARDIEN_LLM_RUNTIME: 'embedded', GARDIEN_MODELS_DIR: modelsDir, GARDIEN_MODELS_FILE: catalogue });
  const bytes = await readFile(join(modelsDir, DEMO_MODEL.file));
  expect(bytes.equals(buildDemoModel())).toBe(true);
  const { models } = ModelCatalogueFile.parse(JSON.parse(await readFile(catalogue, 'utf8')));
  expect(models).toEqual([
    {
      id: DEMO_MODEL.id,
      runtime: 'embedded',
      name: DEMO_MODEL.file,
      sha256: sha256(bytes),
      capabilities: ['chat', 'embeddings'],
      context_length: DEMO_MODEL.contextLength,
      description: DEMO_MODEL.description,
      owned_by: DEMO_OWNED_BY,
    },
  ]);
  // What the gateway checks before it loads it passes.
  expect(await new ModelFiles(modelsDir).check(DEMO_MODEL.file)).toMatchObject({ ok: true, digest: models[0]!.sha256 });
  expect(said).toHaveLength(1);
  expect(said[0]).toContain(`"${DEMO_MODEL.id}"`);
  expect(said[0]).toContain('NOT language');
});

test('a demo model already there is kept as it is; one altered is written again', async () => {
  await demoModelEnvironment(dataDir, {}, () => undefined);
  const file = join(dataDir, 'models', DEMO_MODEL.file);
  const first = await stat(file, { bigint: true });
  await demoModelEnvironment(dataDir, {}, () => undefined);
  expect((await stat(file, { bigint: true })).mtimeNs).toBe(first.mtimeNs);
  await writeFile(file, 'tampered');
  await demoModelEnvironment(dataDir, {}, () => undefined);
  expect((await readFile(file)).equals(buildDemoModel())).toBe(true);
});

test.each([['GARDIEN_MODELS_FILE'], ['GARDIEN_LLM_RUNTIME'], ['GARDIEN_OLLAMA_URL'], ['GARDIEN_OPENAI_BASE_URL']])('with %s set: returns nothing, writes nothing, says nothing', async (variable) => {
  const said: string[] = [];
  expect(await demoModelEnvironment(dataDir, { [variable]: 'configured' }, (line) => said.push(line))).toEqual({});
  expect(await readdir(dataDir)).toEqual([]);
  expect(said).toEqual([]);
});
