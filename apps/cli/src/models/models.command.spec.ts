// `gardien models add` and `gardien models verify` as an operator runs them, on real files in a
// temporary models directory: what is written to the catalogue, what is refused and with which exit
// code, and what each line says.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCatalogueFile, type CatalogueModel } from '@gardien/contracts';
import { buildDemoModel, DEMO_MODEL, writeGguf } from '@gardien/gguf';
import { EX_USAGE } from '../usage-errors.js';
import { addModel, EX_REFUSED, EX_VERIFY_FAILED, verifyModels, type AddOptions, type Locations } from './models.command.js';

const demo = buildDemoModel();
const demoSha256 = createHash('sha256').update(demo).digest('hex');

let root: string;
let modelsDir: string;
let catalogue: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'gardien-models-'));
  modelsDir = join(root, 'models');
  catalogue = join(root, 'models.json');
  await mkdir(modelsDir);
  await writeFile(join(modelsDir, DEMO_MODEL.file), demo);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function io(env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: '', stderr: '' };
  return { out, io: { write: (text: string) => (out.stdout += text), error: (text: string) => (out.stderr += text), env } };
}

async function add(file: string, options: Partial<AddOptions> = {}, env?: NodeJS.ProcessEnv): Promise<Run> {
  const { out, io: modelsIo } = io(env);
  const code = await addModel(file, { id: 'demo', catalogue, modelsDir, ...options }, modelsIo);
  return { code, ...out };
}

async function verify(options: Locations = { catalogue, modelsDir }, env?: NodeJS.ProcessEnv): Promise<Run> {
  const { out, io: modelsIo } = io(env);
  const code = await verifyModels(options, modelsIo);
  return { code, ...out };
}

/** The catalogue as the gateway reads it: valid against the contract, or the test fails. */
async function written(): Promise<ModelCatalogueFile> {
  return ModelCatalogueFile.parse(JSON.parse(await readFile(catalogue, 'utf8')));
}

const absent = () => readFile(catalogue, 'utf8').then(
  () => false,
  () => true,
);

const ollamaModel: CatalogueModel = { id: 'llama', runtime: 'ollama', name: 'llama3.2:latest', sha256: 'a'.repeat(64), capabilities: ['chat'], context_length: 4096 };

describe('gardien models add', () => {
  it('registers a GGUF file of the models directory: its sha256, the embedded runtime, the context length of its header', async () => {
    const { code, stdout, stderr } = await add(join(modelsDir, DEMO_MODEL.file));
    expect(code).toBe(0);
    const entry = { id: 'demo', runtime: 'embedded', name: DEMO_MODEL.file, sha256: demoSha256, capabilities: ['chat'], context_length: 512 };
    expect(await written()).toEqual({ models: [entry] });
    expect(JSON.parse(stdout)).toEqual(entry);
    expect(stderr).toContain(`demo registered (${DEMO_MODEL.file}, sha256 ${demoSha256})`);
  });

  it('takes the locations from GARDIEN_MODELS_FILE and GARDIEN_MODELS_DIR, and the options it is given', async () => {
    const { out, io: modelsIo } = io({ GARDIEN_MODELS_FILE: catalogue, GARDIEN_MODELS_DIR: modelsDir });
    const code = await addModel(join(modelsDir, DEMO_MODEL.file), { id: 'demo-embed', capabilities: ['chat', 'embeddings'], contextLength: 256, description: 'the demo' }, modelsIo);
    expect([code, out.stderr.includes('registered')]).toEqual([0, true]);
    expect((await written()).models).toEqual([{ id: 'demo-embed', runtime: 'embedded', name: DEMO_MODEL.file, sha256: demoSha256, capabilities: ['chat', 'embeddings'], context_length: 256, description: 'the demo' }]);
  });

  it('names a file in a subdirectory by its path under the models directory', async () => {
    await mkdir(join(modelsDir, 'family'));
    await writeFile(join(modelsDir, 'family', 'second.gguf'), demo);
    expect((await add(join(modelsDir, 'family', 'second.gguf'))).code).toBe(0);
    expect((await written()).models[0]?.name).toBe('family/second.gguf');
  });

  it('appends to the catalogue, and refuses an id it already lists unless --replace', async () => {
    await writeFile(join(modelsDir, 'second.gguf'), demo);
    expect((await add(join(modelsDir, DEMO_MODEL.file), { id: 'first' })).code).toBe(0);
    expect((await add(join(modelsDir, 'second.gguf'), { id: 'second' })).code).toBe(0);
    const before = await readFile(catalogue, 'utf8');
    const duplicate = await add(join(modelsDir, 'second.gguf'), { id: 'first' });
    expect([duplicate.code, duplicate.stdout]).toEqual([EX_REFUSED, '']);
    expect(duplicate.stderr).toContain('already lists first (--replace to replace it)');
    expect(await readFile(catalogue, 'utf8')).toBe(before);
    expect((await add(join(modelsDir, 'second.gguf'), { id: 'first', replace: true })).code).toBe(0);
    expect((await written()).models.map(({ id, name }) => [id, name])).toEqual([
      ['second', 'second.gguf'],
      ['first', 'second.gguf'],
    ]);
  });

  it('refuses a file outside the models directory (exit 2), and leaves the catalogue as it was', async () => {
    const outside = join(root, 'outside.gguf');
    await writeFile(outside, demo);
    const { code, stdout, stderr } = await add(outside);
    expect([code, stdout]).toEqual([EX_REFUSED, '']);
    expect(stderr).toContain(`${outside} is not under the models directory ${modelsDir}`);
    expect(await absent()).toBe(true);
    // Nor through a relative path that climbs out, nor a symbolic link placed inside that points out.
    expect((await add(join(modelsDir, '..', 'outside.gguf'))).code).toBe(EX_REFUSED);
    await symlink(outside, join(modelsDir, 'link.gguf'));
    expect(await add(join(modelsDir, 'link.gguf'))).toMatchObject({ code: EX_REFUSED, stderr: expect.stringContaining('is not under the models directory') });
    expect(await absent()).toBe(true);
  });

  it('refuses a truncated file (exit 2), naming it and the problem', async () => {
    await writeFile(join(modelsDir, 'cut.gguf'), demo.subarray(0, demo.length - 100));
    const { code, stdout, stderr } = await add(join(modelsDir, 'cut.gguf'));
    expect([code, stdout]).toEqual([EX_REFUSED, '']);
    expect(stderr).toMatch(/^gardien models add: cut\.gguf: truncated: /);
    expect(await absent()).toBe(true);
  });

  it('refuses a file that is not GGUF, and one that does not exist (exit 2)', async () => {
    await writeFile(join(modelsDir, 'notes.txt'), 'hello');
    expect(await add(join(modelsDir, 'notes.txt'))).toMatchObject({ code: EX_REFUSED, stderr: expect.stringContaining('notes.txt: not_gguf') });
    expect(await add(join(modelsDir, 'absent.gguf'))).toMatchObject({ code: EX_REFUSED, stderr: expect.stringContaining('absent.gguf: no such file') });
    expect(await add(join(modelsDir, DEMO_MODEL.file), { modelsDir: join(root, 'nowhere') })).toMatchObject({ code: EX_REFUSED, stderr: expect.stringContaining('does not exist') });
    expect(await absent()).toBe(true);
  });

  it('refuses a file whose header gives no context length unless --context-length says it', async () => {
    await writeFile(join(modelsDir, 'bare.gguf'), writeGguf([['general.architecture', { type: 'string', value: 'llama' }]], []));
    expect(await add(join(modelsDir, 'bare.gguf'))).toMatchObject({ code: EX_REFUSED, stderr: expect.stringContaining('bare.gguf: its header gives no context length') });
    expect((await add(join(modelsDir, 'bare.gguf'), { contextLength: 1024 })).code).toBe(0);
    expect((await written()).models[0]?.context_length).toBe(1024);
  });

  it('refuses a --context-length beyond what the header says the model was trained for (newcomer review: 100000 on a 512 model was served)', async () => {
    expect(await add(join(modelsDir, DEMO_MODEL.file), { contextLength: 100_000 })).toMatchObject({ code: EX_REFUSED, stderr: expect.stringContaining('512') });
    expect(await absent()).toBe(true);
    expect((await add(join(modelsDir, DEMO_MODEL.file), { contextLength: 512 })).code).toBe(0);
  });

  it('refuses to add to a catalogue that lists a model of another runtime (exit 2)', async () => {
    await writeFile(catalogue, JSON.stringify({ models: [ollamaModel] }));
    const before = await readFile(catalogue, 'utf8');
    const { code, stderr } = await add(join(modelsDir, DEMO_MODEL.file));
    expect(code).toBe(EX_REFUSED);
    expect(stderr).toContain('models of another runtime (ollama)');
    expect(await readFile(catalogue, 'utf8')).toBe(before);
  });

  it('refuses a catalogue that is not JSON or not valid (exit 2), and leaves it as it was', async () => {
    await writeFile(catalogue, '{ not json');
    expect(await add(join(modelsDir, DEMO_MODEL.file))).toMatchObject({ code: EX_REFUSED, stderr: expect.stringContaining('is not JSON') });
    expect(await readFile(catalogue, 'utf8')).toBe('{ not json');
    await writeFile(catalogue, JSON.stringify({ models: [{ ...ollamaModel, sha256: 'nope' }] }));
    expect(await add(join(modelsDir, DEMO_MODEL.file))).toMatchObject({ code: EX_REFUSED, stderr: expect.stringContaining('is not valid: models.0.sha256') });
  });

  it.each([[''], ['-demo'], ['a b'], ['x'.repeat(201)], ['démo']])('refuses the id %j as bad usage (exit 64)', async (id) => {
    const { code, stdout, stderr } = await add(join(modelsDir, DEMO_MODEL.file), { id });
    expect([code, stdout]).toEqual([EX_USAGE, '']);
    expect(stderr).toContain('--id: ');
    expect(await absent()).toBe(true);
  });

  it('without --models-dir nor GARDIEN_MODELS_DIR, or without a catalogue, is bad usage (exit 64)', async () => {
    const { out, io: modelsIo } = io({});
    expect(await addModel(join(modelsDir, DEMO_MODEL.file), { id: 'demo', catalogue }, modelsIo)).toBe(EX_USAGE);
    expect(out.stderr).toContain('--models-dir or GARDIEN_MODELS_DIR');
    expect(await addModel(join(modelsDir, DEMO_MODEL.file), { id: 'demo', modelsDir }, modelsIo)).toBe(EX_USAGE);
    expect(out.stderr).toContain('--catalogue or GARDIEN_MODELS_FILE');
    expect(await absent()).toBe(true);
  });
});

describe('gardien models verify', () => {
  it('says ok for each listed file as it is, exit 0', async () => {
    expect((await add(join(modelsDir, DEMO_MODEL.file))).code).toBe(0);
    const { code, stdout, stderr } = await verify();
    expect(code).toBe(0);
    expect(stdout).toBe(`ok       demo: ${DEMO_MODEL.file}: sha256 ${demoSha256}\n`);
    expect(stderr).toBe('gardien models verify: 1 of 1 model(s) as listed\n');
  });

  it('refuses a file whose sha256 is not the listed one (exit 1), naming the file', async () => {
    const listed = 'f'.repeat(64);
    await writeFile(catalogue, JSON.stringify({ models: [{ id: 'demo', runtime: 'embedded', name: DEMO_MODEL.file, sha256: listed, capabilities: ['chat'], context_length: 512 }] }));
    const { code, stdout, stderr } = await verify();
    expect(code).toBe(EX_VERIFY_FAILED);
    expect(stdout).toBe(`REFUSED  demo: ${DEMO_MODEL.file}: sha256 ${demoSha256}, the catalogue lists ${listed}\n`);
    expect(stderr).toBe('gardien models verify: 0 of 1 model(s) as listed\n');
  });

  it('refuses a listed file that is missing, truncated or outside the directory (exit 1), and checks the others', async () => {
    await writeFile(join(modelsDir, 'cut.gguf'), demo.subarray(0, 1000));
    const entry = (id: string, name: string, sha256 = demoSha256): CatalogueModel => ({ id, runtime: 'embedded', name, sha256, capabilities: ['chat'], context_length: 512 });
    await writeFile(catalogue, JSON.stringify({ models: [entry('gone', 'gone.gguf'), entry('demo', DEMO_MODEL.file), entry('cut', 'cut.gguf'), entry('out', '../outside.gguf')] }));
    const { code, stdout, stderr } = await verify();
    expect(code).toBe(EX_VERIFY_FAILED);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^REFUSED {2}gone: gone\.gguf: missing: /);
    expect(lines[1]).toBe(`ok       demo: ${DEMO_MODEL.file}: sha256 ${demoSha256}`);
    expect(lines[2]).toMatch(/^REFUSED {2}cut: cut\.gguf: truncated: /);
    expect(lines[3]).toMatch(/^REFUSED {2}out: \.\.\/outside\.gguf: outside_models_dir: /);
    expect(stderr).toBe('gardien models verify: 1 of 4 model(s) as listed\n');
  });

  it('skips the models of another runtime: the gateway checks those against it', async () => {
    await writeFile(catalogue, JSON.stringify({ models: [ollamaModel] }));
    const { code, stdout } = await verify();
    expect(code).toBe(0);
    expect(stdout).toBe('skipped  llama: served by ollama, checked by the gateway against that runtime\n');
  });

  it('an absent catalogue lists nothing: exit 0', async () => {
    expect(await verify()).toEqual({ code: 0, stdout: '', stderr: 'gardien models verify: 0 of 0 model(s) as listed\n' });
  });

  it('refuses a catalogue that is not JSON (exit 2)', async () => {
    await writeFile(catalogue, 'models: []');
    const { code, stdout, stderr } = await verify();
    expect([code, stdout]).toEqual([EX_REFUSED, '']);
    expect(stderr).toBe(`gardien models verify: the catalogue ${catalogue} is not JSON\n`);
  });

  it('without its locations is bad usage (exit 64); with them in the environment, runs', async () => {
    expect((await verify({})).code).toBe(EX_USAGE);
    expect((await verify({}, { GARDIEN_MODELS_FILE: catalogue, GARDIEN_MODELS_DIR: modelsDir })).code).toBe(0);
  });
});
