import type { CatalogueModel } from '@gardien/contracts';
import type { InstalledModel, ModelRuntime } from '@gardien/llm-runtime';
import { createLogger } from '@gardien/observability';
import { jest } from '@jest/globals';
import { CHECK_INTERVAL_MS, CatalogueVerification, RECHECK_MS, checkModels } from './catalogue-verification.js';
import { ModelCatalogue } from './model-catalogue.js';

const digest = (c: string) => c.repeat(64);
const model = (id: string, name: string, sha256: string): CatalogueModel => ({ id, runtime: 'ollama', name, sha256, capabilities: ['chat'], context_length: 4096 });

test('a model is served under its name with its digest; a different digest or a missing name is refused', () => {
  const models = [model('a', 'a:latest', digest('a')), model('b', 'b:latest', digest('b')), model('c', 'c:latest', digest('c')), model('d', 'd:latest', digest('d'))];
  const installed: InstalledModel[] = [
    { name: 'a:latest', digest: digest('a') },
    { name: 'b:latest', digest: digest('f') },
    { name: 'd:latest' },
    // Installed, not in the catalogue: never served.
    { name: 'e:latest', digest: digest('e') },
  ];
  expect(Object.fromEntries(checkModels(models, installed))).toEqual({ a: 'verified', b: 'digest_mismatch', c: 'not_installed', d: 'name_only' });
});

function runtimeListing(listing: () => Promise<InstalledModel[]>): ModelRuntime {
  return { kind: 'ollama', listModels: listing } as unknown as ModelRuntime;
}

test('nothing is served before a check passes, nor after a check fails; a replaced model is refused at the next check', async () => {
  const catalogue = new ModelCatalogue([model('a', 'a:latest', digest('a'))]);
  let listing: InstalledModel[] | Error = new Error('connection refused');
  const verification = new CatalogueVerification(
    catalogue,
    runtimeListing(async () => {
      if (listing instanceof Error) throw listing;
      return listing;
    }),
    createLogger({ service: 'llm-gateway', level: 'silent' }),
  );
  expect(verification.serves('a')).toBe(false);
  await verification.check();
  expect(verification.serves('a')).toBe(false);
  listing = [{ name: 'a:latest', digest: digest('a') }];
  await verification.check();
  expect(verification.serves('a')).toBe(true);
  listing = [{ name: 'a:latest', digest: digest('9') }];
  await verification.check();
  expect(verification.serves('a')).toBe(false);
  listing = new Error('down');
  await verification.check();
  expect(verification.serves('a')).toBe(false);
});

test('while the runtime is down, or a model missing, it is asked again every few seconds: a runtime that comes back is served within RECHECK_MS, then checked every minute', async () => {
  jest.useFakeTimers();
  try {
    const catalogue = new ModelCatalogue([model('a', 'a:latest', digest('a'))]);
    let listing: InstalledModel[] | Error = new Error('connection refused');
    let asked = 0;
    const verification = new CatalogueVerification(
      catalogue,
      runtimeListing(async () => {
        asked += 1;
        if (listing instanceof Error) throw listing;
        return listing;
      }),
      createLogger({ service: 'llm-gateway', level: 'silent' }),
    );
    await verification.start();
    expect([asked, verification.serves('a')]).toEqual([1, false]);
    await jest.advanceTimersByTimeAsync(RECHECK_MS);
    expect([asked, verification.serves('a')]).toEqual([2, false]);
    // Up, but without the model: asked again as often.
    listing = [];
    await jest.advanceTimersByTimeAsync(RECHECK_MS);
    expect([asked, verification.serves('a')]).toEqual([3, false]);
    listing = [{ name: 'a:latest', digest: digest('a') }];
    await jest.advanceTimersByTimeAsync(RECHECK_MS);
    expect([asked, verification.serves('a')]).toEqual([4, true]);
    // Every model served: the next check a minute later, not before.
    await jest.advanceTimersByTimeAsync(CHECK_INTERVAL_MS - 1);
    expect(asked).toBe(4);
    await jest.advanceTimersByTimeAsync(1);
    expect(asked).toBe(5);
    verification.stop();
    await jest.advanceTimersByTimeAsync(CHECK_INTERVAL_MS * 2);
    expect(asked).toBe(5);
  } finally {
    jest.useRealTimers();
  }
});

const embedded = (id: string, name: string, sha256: string): CatalogueModel => ({ ...model(id, name, sha256), runtime: 'embedded' });

test('a file the embedded runtime refuses is file_refused, whatever digest it reports', () => {
  const models = [embedded('cut', 'cut.gguf', digest('c')), embedded('ok', 'ok.gguf', digest('a'))];
  const installed: InstalledModel[] = [
    { name: 'cut.gguf', digest: digest('c'), refused: { problem: 'truncated', detail: 'the file ends inside its header' } },
    { name: 'ok.gguf', digest: digest('a') },
  ];
  expect(Object.fromEntries(checkModels(models, installed))).toEqual({ cut: 'file_refused', ok: 'verified' });
});

/** A logger whose JSON lines the test reads. */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ service: 'llm-gateway', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { lines, logger };
}

test("an embedded model's log line names its file, and the problem when the file is refused; nothing is served until the file is right", async () => {
  const catalogue = new ModelCatalogue([embedded('demo', 'demo.gguf', digest('a')), embedded('other', 'family/other.gguf', digest('b'))]);
  let listing: InstalledModel[] = [
    { name: 'demo.gguf', refused: { problem: 'truncated', detail: 'the data of tensor output.weight runs past the end of the file' } },
    { name: 'family/other.gguf', digest: digest('9') },
  ];
  const { lines, logger } = capturedLogger();
  const verification = new CatalogueVerification(catalogue, { kind: 'embedded', listModels: async () => listing } as unknown as ModelRuntime, logger);
  await verification.check();
  expect(verification.serves('demo')).toBe(false);
  expect(verification.serves('other')).toBe(false);
  const checks = lines.filter((line) => line.event === 'catalogue_check');
  expect(checks).toEqual([
    expect.objectContaining({
      level: 'warn',
      model: 'demo',
      verdict: 'file_refused',
      file: 'demo.gguf',
      problem: 'truncated',
      detail: 'the data of tensor output.weight runs past the end of the file',
      msg: 'model refused',
    }),
    expect.objectContaining({ level: 'warn', model: 'other', verdict: 'digest_mismatch', file: 'family/other.gguf', msg: 'model refused' }),
  ]);
  expect(checks[1]).not.toHaveProperty('problem');
  // The same verdicts again: not logged again.
  await verification.check();
  expect(lines.filter((line) => line.event === 'catalogue_check')).toHaveLength(2);
  // The file put right: served, and said once, with its file and no problem.
  listing = [
    { name: 'demo.gguf', digest: digest('a') },
    { name: 'family/other.gguf', digest: digest('9') },
  ];
  await verification.check();
  expect(verification.serves('demo')).toBe(true);
  const served = lines.filter((line) => line.event === 'catalogue_check').slice(2);
  expect(served).toEqual([expect.objectContaining({ level: 'info', model: 'demo', verdict: 'verified', file: 'demo.gguf', msg: 'model served' })]);
  expect(served[0]).not.toHaveProperty('problem');
  expect(served[0]).not.toHaveProperty('detail');
});

test("a model of another runtime's log line carries no file", async () => {
  const { lines, logger } = capturedLogger();
  const verification = new CatalogueVerification(new ModelCatalogue([model('a', 'a:latest', digest('a'))]), runtimeListing(async () => []), logger);
  await verification.check();
  const [line] = lines.filter((entry) => entry.event === 'catalogue_check');
  expect(line).toMatchObject({ model: 'a', verdict: 'not_installed' });
  expect(line).not.toHaveProperty('file');
});
