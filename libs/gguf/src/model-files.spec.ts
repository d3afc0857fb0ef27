// ModelFiles.check as the embedded runtime and `gardien models verify` use it: only files inside the
// models directory, whole GGUF files, with the digest of the bytes there now.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildDemoModel } from './demo-model.js';
import { writeGguf } from './gguf-writer.js';
import { isPlainRelativePath, ModelFiles } from './model-files.js';

let root: string;
let modelsDir: string;
const demo = buildDemoModel();
const other = writeGguf([['general.name', { type: 'string', value: 'other' }]], [{ name: 'w', dims: [4], data: new Float32Array([1, 2, 3, 4]) }]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'model-files-')));
  modelsDir = join(root, 'models');
  await mkdir(join(modelsDir, 'family'), { recursive: true });
  await writeFile(join(modelsDir, 'demo.gguf'), demo);
  await writeFile(join(modelsDir, 'family', 'other.gguf'), other);
  await writeFile(join(root, 'outside.gguf'), demo);
  await symlink(join(root, 'outside.gguf'), join(modelsDir, 'escape.gguf'));
  await symlink('../outside.gguf', join(modelsDir, 'escape-relative.gguf'));
  await symlink('family/other.gguf', join(modelsDir, 'alias.gguf'));
  await symlink('.', join(modelsDir, 'self'));
  await writeFile(join(modelsDir, 'notes.txt'), 'not a model');
  await writeFile(join(modelsDir, 'cut.gguf'), demo.subarray(0, demo.length - 1));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

test('a GGUF file inside the directory is ok, with the sha256 of its bytes and its header', async () => {
  const check = await new ModelFiles(modelsDir).check('demo.gguf');
  expect(check).toMatchObject({ ok: true, path: join(modelsDir, 'demo.gguf'), digest: sha256(demo) });
  expect(check.ok && check.header.fileSize).toBe(demo.length);
  expect(await new ModelFiles(modelsDir).check('family/other.gguf')).toMatchObject({ ok: true, digest: sha256(other) });
});

test('a symbolic link that stays inside the directory is followed', async () => {
  expect(await new ModelFiles(modelsDir).check('alias.gguf')).toMatchObject({ ok: true, path: join(modelsDir, 'family', 'other.gguf'), digest: sha256(other) });
});

test.each([
  ['..'],
  ['../outside.gguf'],
  ['family/../demo.gguf'],
  ['family/../../outside.gguf'],
  ['./demo.gguf'],
  ['/etc/passwd'],
  ['family\\other.gguf'],
  ['..\\outside.gguf'],
  ['demo.gguf\0.txt'],
  ['family//other.gguf'],
  ['/demo.gguf'],
  ['family/'],
  [''],
])('%j is outside the models directory, whatever is there', async (name) => {
  expect(await new ModelFiles(modelsDir).check(name)).toMatchObject({ ok: false, problem: 'outside_models_dir' });
});

test('an absolute path into the directory itself is refused too', async () => {
  expect(await new ModelFiles(modelsDir).check(join(modelsDir, 'demo.gguf'))).toMatchObject({ ok: false, problem: 'outside_models_dir' });
});

test.each([['escape.gguf'], ['escape-relative.gguf'], ['self']])('the symbolic link %s, resolving outside the directory (or to it), is outside_models_dir', async (name) => {
  expect(await new ModelFiles(modelsDir).check(name)).toMatchObject({ ok: false, problem: 'outside_models_dir' });
});

test('a missing file is missing; a file that is not GGUF, a truncated one and a directory are refused with the problem', async () => {
  const files = new ModelFiles(modelsDir);
  expect(await files.check('absent.gguf')).toMatchObject({ ok: false, problem: 'missing' });
  expect(await files.check('family/absent.gguf')).toMatchObject({ ok: false, problem: 'missing' });
  expect(await files.check('notes.txt')).toMatchObject({ ok: false, problem: 'not_gguf' });
  expect(await files.check('cut.gguf')).toMatchObject({ ok: false, problem: 'truncated' });
  expect(await files.check('family')).toMatchObject({ ok: false, problem: 'unreadable' });
});

test('a models directory that does not exist makes every file missing', async () => {
  expect(await new ModelFiles(join(root, 'nowhere')).check('demo.gguf')).toMatchObject({ ok: false, problem: 'missing' });
});

test('a problem detail never carries the directory nor the file content', async () => {
  for (const name of ['absent.gguf', 'notes.txt', 'cut.gguf', 'escape.gguf', '../x']) {
    const check = await new ModelFiles(modelsDir).check(name);
    expect(check.ok).toBe(false);
    expect(JSON.stringify(check)).not.toContain(root);
    expect(JSON.stringify(check)).not.toContain('not a model');
  }
});

test('a file replaced at the same path gets the digest of its new bytes: the cache follows the file, not the path', async () => {
  const files = new ModelFiles(modelsDir);
  const path = join(modelsDir, 'replaced.gguf');
  await writeFile(path, demo);
  expect(await files.check('replaced.gguf')).toMatchObject({ ok: true, digest: sha256(demo) });
  expect(await files.check('replaced.gguf')).toMatchObject({ ok: true, digest: sha256(demo) });
  // Renamed over it (another inode), as a copy tool does.
  await writeFile(`${path}.tmp`, other);
  await rename(`${path}.tmp`, path);
  expect(await files.check('replaced.gguf')).toMatchObject({ ok: true, digest: sha256(other) });
  // Rewritten in place (same inode, another size). Not asserted: the same size rewritten within one
  // tick of a coarse file-system clock, which no identity of (device, inode, size, times) tells apart.
  await writeFile(path, demo);
  expect(await files.check('replaced.gguf')).toMatchObject({ ok: true, digest: sha256(demo) });
  // Removed: missing, and back again with other bytes.
  await rm(path);
  expect(await files.check('replaced.gguf')).toMatchObject({ ok: false, problem: 'missing' });
  await writeFile(path, other);
  expect(await files.check('replaced.gguf')).toMatchObject({ ok: true, digest: sha256(other) });
});

test('any name: check never throws, and a name that is not a plain relative path is outside_models_dir', async () => {
  const files = new ModelFiles(modelsDir);
  const piece = fc.constantFrom('..', '.', '', 'demo.gguf', 'family', 'other.gguf', '\\', '\0', '/', 'é', ' ');
  const name = fc.oneof(fc.string({ maxLength: 40 }), fc.array(piece, { maxLength: 5 }).map((pieces) => pieces.join('/')));
  await fc.assert(
    fc.asyncProperty(name, async (candidate) => {
      const check = await files.check(candidate);
      if (!isPlainRelativePath(candidate)) expect(check).toMatchObject({ ok: false, problem: 'outside_models_dir' });
      else if (check.ok) expect(check.path.startsWith(`${modelsDir}/`)).toBe(true);
    }),
    { numRuns: 300 },
  );
});
