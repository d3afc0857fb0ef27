// What the runtime's failures are to the caller: a caller that went away is CallCancelled, and only
// then; a runtime that says "cancelled" when nobody cancelled failed; a prompt the runtime finds
// longer than the model's context is the caller's to shorten.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedRuntime, LlmRuntimeError, LlmRuntimeErrorCode, type ModelRuntime } from '@gardien/llm-runtime';
import { ErrorCode, type CatalogueModel } from '@gardien/contracts';
import { DEMO_MODEL, buildDemoModel } from '@gardien/gguf';
import { CallCancelled, RuntimeStage } from './runtime.stage.js';

const model = { id: 'assistant', name: 'assistant' } as CatalogueModel;
const sampling = { maxTokens: 16, stop: [] };

function failingWith(error: Error): ModelRuntime {
  const fail = () => Promise.reject(error);
  return { kind: 'ollama', chat: fail, embed: fail, listModels: fail, close: () => Promise.resolve(), chatStream: () => ({ [Symbol.asyncIterator]: () => ({ next: fail }) }) };
}

test('a runtime that reports a cancellation nobody asked for is unavailable, not a caller gone away', async () => {
  const stage = new RuntimeStage(failingWith(new LlmRuntimeError(LlmRuntimeErrorCode.Cancelled, 'cancelled')));
  await expect(stage.chat(model, [{ role: 'user', content: 'x' }], sampling, new AbortController().signal)).rejects.toMatchObject({ reason: 'runtime_unavailable' });
  await expect(stage.embed(model, ['x'], new AbortController().signal)).rejects.toMatchObject({ reason: 'runtime_unavailable' });
});

test('a caller that went away is CallCancelled, whatever the runtime says', async () => {
  const controller = new AbortController();
  controller.abort();
  const stage = new RuntimeStage(failingWith(new LlmRuntimeError(LlmRuntimeErrorCode.RuntimeFailed, 'failed')));
  await expect(stage.chat(model, [{ role: 'user', content: 'x' }], sampling, controller.signal)).rejects.toBeInstanceOf(CallCancelled);
});

test('before the runtime is asked: a caller gone is CallCancelled, a deadline passed a runtime timeout, a caller waiting nothing', () => {
  const stage = new RuntimeStage(undefined);
  const gone = new AbortController();
  gone.abort();
  expect(() => stage.ensureWanted(gone.signal)).toThrow(CallCancelled);
  const late = new AbortController();
  late.abort(new DOMException('deadline', 'TimeoutError'));
  expect(() => stage.ensureWanted(late.signal)).toThrow(expect.objectContaining({ reason: 'runtime_timeout' }) as Error);
  expect(() => stage.ensureWanted(new AbortController().signal)).not.toThrow();
});

describe('on the embedded runtime, which counts a prompt with the model’s own tokenizer', () => {
  const demo = buildDemoModel();
  const models = [{ name: DEMO_MODEL.file, sha256: createHash('sha256').update(demo).digest('hex'), contextLength: DEMO_MODEL.contextLength }];
  const embeddedModel = { id: 'demo', name: DEMO_MODEL.file } as CatalogueModel;
  let dir: string;
  let runtime: EmbeddedRuntime;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gardien-runtime-stage-'));
    await writeFile(join(dir, DEMO_MODEL.file), demo);
    runtime = new EmbeddedRuntime({ modelsDir: dir, models, threads: 1, sequences: 1, maxWaiting: 4, timeouts: { queueMs: 5_000, totalMs: 20_000 } });
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a prompt or an input longer than the model’s context is the caller’s (413 context_length_exceeded), not a runtime failure (503)', async () => {
    // One token per letter and space in the demo model: within the gateway's estimate of 3 characters a token, beyond the context.
    const long = 'a '.repeat(DEMO_MODEL.contextLength);
    const stage = new RuntimeStage(runtime);
    await expect(stage.chat(embeddedModel, [{ role: 'user', content: long }], sampling, new AbortController().signal)).rejects.toMatchObject({ reason: 'context_length_exceeded', code: ErrorCode.PayloadTooLarge });
    await expect(stage.embed(embeddedModel, ['court', long], new AbortController().signal)).rejects.toMatchObject({ reason: 'context_length_exceeded', code: ErrorCode.PayloadTooLarge });
    await expect(stage.chat(embeddedModel, [{ role: 'user', content: 'abc' }], sampling, new AbortController().signal)).resolves.toMatchObject({ content: expect.stringMatching(/^def/) });
  });
});
