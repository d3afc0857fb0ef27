// Nothing downloads by itself (DESIGN rule 7), proved for the embedded runtime: it loads the demo
// model, chats, streams and embeds in a network namespace where every outbound connection fails
// (unshare -rn: no interface up), traced by strace, whose log must hold no Internet socket at
// all. The positive controls: a connection attempted in the same namespace fails, and shows in
// strace's log as the AF_INET socket this test looks for. And no source of the repository imports
// the functions of node-llama-cpp that fetch models or files, or imports the library outside the
// embedded runtime.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DEMO_MODEL } from '@gardien/gguf';
import { REPO_ROOT } from '@gardien/testing';

const dir = mkdtempSync(join(tmpdir(), 'gardien-offline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `args` in a new user and network namespace under strace; returns its output and the Internet sockets it opened. */
function offline(args: string[], name: string): { status: number | null; stdout: string; stderr: string; internetSockets: string[] } {
  const log = join(dir, `${name}.strace`);
  const run = spawnSync('strace', ['-f', '-qq', '-e', 'trace=socket,connect', '-o', log, 'unshare', '-rn', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' },
    timeout: 60_000,
  });
  const traced = readFileSync(log, 'utf8').split('\n');
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, internetSockets: traced.filter((line) => /socket\(AF_INET6?,/.test(line)) };
}

test('the positive control: in the namespace a connection fails, and strace shows its Internet socket', () => {
  const control = offline([process.execPath, '-e', "require('net').connect(443, '1.1.1.1').on('error', (error) => { console.log(error.code); })"], 'control');
  expect(control.stdout.trim()).toBe('ENETUNREACH');
  expect(control.internetSockets.length).toBeGreaterThan(0);
});

test('the embedded runtime loads the demo model, chats, streams and embeds with no network, and opens no Internet socket', () => {
  const run = offline([process.execPath, join(REPO_ROOT, 'test', 'e2e', 'offline', 'embedded-offline-run.mjs'), dir], 'runtime');
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  const result = JSON.parse(run.stdout) as { kind: string; listed: Array<{ name: string; digest?: string }>; chat: { content: string; usage: { completionTokens: number } }; streamed: string; dims: number };
  expect(result.kind).toBe('embedded');
  expect(result.listed).toEqual([{ name: DEMO_MODEL.file, digest: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  expect(result.chat.content).toBe('defghijklmnopqrstuvwxyz');
  expect(result.streamed).toBe('defghijklmnopqrstuvwxyz');
  expect(result.dims).toBe(DEMO_MODEL.embeddingLength);
  expect(run.internetSockets).toEqual([]);
});

/** Every TypeScript and JavaScript source of the repository outside node_modules, dist and tests' own data. */
function sources(root: string): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory)) {
      if (['node_modules', 'dist', '.git', '.gardien', '.nx', 'coverage'].includes(entry)) continue;
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts|js|mjs|cjs)$/.test(entry)) found.push(path);
    }
  };
  for (const top of ['apps', 'libs', 'scripts', 'bench', 'bin', 'test']) walk(join(root, top));
  return found;
}

test('no source imports what fetches models, and only the embedded runtime imports node-llama-cpp', () => {
  const downloaders = /\b(resolveModelFile|createModelDownloader|ModelDownloader|combineModelDownloaders|CombinedModelDownloader|readGgufFileInfo|getLlamaGpuTypes)\b/;
  const importers: string[] = [];
  for (const file of sources(REPO_ROOT)) {
    if (file.endsWith('embedded-offline.e2e-spec.ts')) continue;
    const text = readFileSync(file, 'utf8');
    if (!/from 'node-llama-cpp'|import\('node-llama-cpp'\)|require\('node-llama-cpp'\)/.test(text)) continue;
    importers.push(relative(REPO_ROOT, file));
    expect([relative(REPO_ROOT, file), downloaders.test(text)]).toEqual([relative(REPO_ROOT, file), false]);
  }
  // The positive control: the runtime itself is found.
  expect(importers).toContain('libs/llm-runtime/src/embedded/embedded.runtime.ts');
  expect(importers.every((file) => file.startsWith('libs/llm-runtime/src/embedded/'))).toBe(true);
  // And it forbids building and downloading when it asks for llama.cpp.
  const runtime = readFileSync(join(REPO_ROOT, 'libs/llm-runtime/src/embedded/embedded.runtime.ts'), 'utf8');
  expect(runtime).toMatch(/build: 'never'/);
  expect(runtime).toMatch(/skipDownload: true/);
  // No source names a model hub to fetch from.
  const hubs = sources(REPO_ROOT).filter((file) => !file.endsWith('embedded-offline.e2e-spec.ts') && /huggingface\.co|hf\.co\//.test(readFileSync(file, 'utf8')));
  expect(hubs.map((file) => relative(REPO_ROOT, file))).toEqual([]);
});
