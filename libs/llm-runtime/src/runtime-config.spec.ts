import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '@gardien/bootstrap';
import { ModelRuntimeServer } from '@gardien/testing';
import { createModelRuntime, readModelRuntimeConfig, runtimeKindOf } from './runtime-config.js';

/** The variables a refused configuration names (ConfigError.variables). */
const refusal = (env: NodeJS.ProcessEnv): string[] => {
  const outcome = (() => {
    try {
      return readModelRuntimeConfig(env);
    } catch (error) {
      return error;
    }
  })();
  expect(outcome).toBeInstanceOf(ConfigError);
  const { message, variables } = outcome as ConfigError;
  expect(message).toBe(`invalid configuration: ${variables.join(', ')}`);
  return variables;
};

describe('model runtime configuration', () => {
  let dir: string;
  let server: ModelRuntimeServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gardien-llm-runtime-'));
    server = new ModelRuntimeServer({ apiKey: 'the-api-key-in-a-file' });
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to the embedded runtime when no runtime has an address, and to the documented timeouts', () => {
    expect(runtimeKindOf(readModelRuntimeConfig({}))).toBe('embedded');
    expect(runtimeKindOf(readModelRuntimeConfig({ GARDIEN_OLLAMA_URL: 'http://ollama:11434' }))).toBe('ollama');
    expect(runtimeKindOf(readModelRuntimeConfig({ GARDIEN_OPENAI_BASE_URL: 'http://vllm:8000/v1' }))).toBe('openai-compatible');
    expect(runtimeKindOf(readModelRuntimeConfig({ GARDIEN_LLM_RUNTIME: 'embedded', GARDIEN_OLLAMA_URL: 'http://ollama:11434' }))).toBe('embedded');
    expect(readModelRuntimeConfig({})).toMatchObject({
      GARDIEN_EMBEDDED_SEQUENCES: 2,
      GARDIEN_EMBEDDED_QUEUE: 64,
      GARDIEN_LLM_CONNECT_TIMEOUT_MS: 5_000,
      GARDIEN_LLM_STALL_TIMEOUT_MS: 30_000,
      GARDIEN_LLM_RETRIES: 1,
      GARDIEN_LLM_BREAKER_FAILURES: 5,
    });
  });

  it('names the missing address of the chosen runtime', () => {
    expect(refusal({ GARDIEN_LLM_RUNTIME: 'ollama' })).toEqual(['GARDIEN_OLLAMA_URL']);
    expect(refusal({ GARDIEN_LLM_RUNTIME: 'openai-compatible', GARDIEN_OLLAMA_URL: 'http://ollama:11434' })).toEqual(['GARDIEN_OPENAI_BASE_URL']);
  });

  it('names a bad variable, never its value (the message holds the names alone)', () => {
    const secretish = 'ftp://user:hunter2@models.internal';
    expect(refusal({ GARDIEN_LLM_RUNTIME: 'ollama', GARDIEN_OLLAMA_URL: secretish, GARDIEN_LLM_STALL_TIMEOUT_MS: '-3' }).sort()).toEqual(['GARDIEN_LLM_STALL_TIMEOUT_MS', 'GARDIEN_OLLAMA_URL']);
    expect(refusal({ GARDIEN_LLM_RUNTIME: 'llama' })).toEqual(['GARDIEN_LLM_RUNTIME']);
    expect(refusal({ GARDIEN_LLM_RUNTIME: 'openai-compatible', GARDIEN_OPENAI_BASE_URL: 'not a url' })).toEqual(['GARDIEN_OPENAI_BASE_URL']);
  });

  it('creates the Ollama adapter for its URL', async () => {
    const runtime = await createModelRuntime(readModelRuntimeConfig({ GARDIEN_LLM_RUNTIME: 'ollama', GARDIEN_OLLAMA_URL: server.url }));
    expect(runtime.kind).toBe('ollama');
    await expect(runtime.listModels()).resolves.toHaveLength(1);
    await runtime.close();
  });

  it('creates the OpenAI-compatible adapter with the API key read from its file', async () => {
    const keyFile = join(dir, 'openai-api-key');
    await writeFile(keyFile, 'the-api-key-in-a-file\n', { mode: 0o600 });
    const config = readModelRuntimeConfig({ GARDIEN_LLM_RUNTIME: 'openai-compatible', GARDIEN_OPENAI_BASE_URL: server.openAiBaseUrl, GARDIEN_OPENAI_API_KEY_FILE: keyFile });
    expect(JSON.stringify(config)).not.toContain('the-api-key-in-a-file');
    const runtime = await createModelRuntime(config);
    expect(runtime.kind).toBe('openai-compatible');
    await expect(runtime.listModels()).resolves.toHaveLength(1);
    await runtime.close();
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer the-api-key-in-a-file');
  });

  it('names the key file variable when the file is missing or empty', async () => {
    const empty = join(dir, 'empty-key');
    await writeFile(empty, '\n');
    for (const file of [join(dir, 'missing'), empty]) {
      const config = readModelRuntimeConfig({ GARDIEN_LLM_RUNTIME: 'openai-compatible', GARDIEN_OPENAI_BASE_URL: server.openAiBaseUrl, GARDIEN_OPENAI_API_KEY_FILE: file });
      await expect(createModelRuntime(config)).rejects.toMatchObject({ variables: ['GARDIEN_OPENAI_API_KEY_FILE'] });
    }
  });

  it('asks two runtime addresses with no choice between them to say which', () => {
    expect(refusal({ GARDIEN_OLLAMA_URL: 'http://ollama:11434', GARDIEN_OPENAI_BASE_URL: 'http://vllm:8000/v1' })).toEqual(['GARDIEN_LLM_RUNTIME']);
  });

  it('creates the embedded runtime on its models directory, and names the directory when it is missing', async () => {
    await expect(createModelRuntime(readModelRuntimeConfig({}))).rejects.toMatchObject({ variables: ['GARDIEN_MODELS_DIR'] });
    const runtime = await createModelRuntime(readModelRuntimeConfig({ GARDIEN_MODELS_DIR: dir }), []);
    expect(runtime.kind).toBe('embedded');
    await expect(runtime.listModels()).resolves.toEqual([]);
    await runtime.close();
  });
});
