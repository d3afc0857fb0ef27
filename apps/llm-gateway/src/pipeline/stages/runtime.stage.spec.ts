// What the runtime's failures are to the caller: a caller that went away is CallCancelled, and only
// then; a runtime that says "cancelled" when nobody cancelled failed.
import { LlmRuntimeError, LlmRuntimeErrorCode, type ModelRuntime } from '@gardien/llm-runtime';
import type { CatalogueModel } from '@gardien/contracts';
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
