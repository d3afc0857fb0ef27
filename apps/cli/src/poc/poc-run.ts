// Plays the scenario through the running platform, phase after phase, as a tenant application
// would: the dossiers uploaded (POST /api/v1/documents, then followed until ready), questions
// about them with retrieval (POST /api/v1/llm/chat with `retrieval`), requests without it, and
// summaries streamed through the OpenAI-compatible /v1/chat/completions. Each call becomes one
// sample; what the platform answers is kept as status codes, never as text. Meanwhile every
// service's metrics are read once a second for its memory.
import type { ServiceName } from '@gardien/contracts';
import { CallTimedOut, EdgeUnreachable, type EdgeClient } from './edge-client.js';
import type { PocConfig } from './poc-config.js';
import type { CallSample, OperationName, ServiceResources } from './poc-measures.js';
import type { Scenario, ScenarioText } from './poc-scenario.js';
import { processFigures, type PlatformMetrics } from './platform-metrics.js';

export interface ScenarioRun {
  samples: CallSample[];
  documentIds: string[];
  /** Chats with retrieval that were given at least one chunk. */
  retrievalsWithChunks: number;
  wallSeconds: number;
}

export interface RunContext {
  edge: EdgeClient;
  token: string;
  model: string;
  purpose: string;
  scenario: Scenario;
  settings: PocConfig['scenario'];
  progress: (line: string) => void;
}

const POLL_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items` with at most `concurrency` at once, in order of start. */
async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** What went wrong, as a code: the platform's status, or what the client saw (a platform that stops answering mid-run is errors, and a No-Go). */
function failureOf(error: unknown): string {
  if (error instanceof EdgeUnreachable) return 'unreachable';
  if (error instanceof CallTimedOut) return 'timeout';
  return 'client_error';
}

export async function playScenario(context: RunContext): Promise<ScenarioRun> {
  const { edge, token, settings, scenario } = context;
  const timeoutMs = settings.request_timeout_seconds * 1000;
  const samples: CallSample[] = [];
  const documentIds: string[] = [];
  let retrievalsWithChunks = 0;
  const started = performance.now();

  context.progress(`documents: ${scenario.documents.length} to upload into "${settings.collection}"`);
  await inParallel(scenario.documents, settings.concurrency, async (document) => {
    const sample: CallSample = { operation: 'document_upload', ok: false, ms: 0 };
    samples.push(sample);
    try {
      const accepted = await edge.call('POST', '/api/v1/documents', { token, timeoutMs, body: { collection: settings.collection, text: document.text, purpose: context.purpose } });
      sample.ms = accepted.ms;
      if (accepted.status !== 202) {
        sample.error = `http_${accepted.status}`;
        return;
      }
      const id = (accepted.body as { id: string }).id;
      documentIds.push(id);
      const outcome = await untilReady(edge, token, id, settings.ingestion_timeout_seconds * 1000, timeoutMs, performance.now() - accepted.ms);
      Object.assign(sample, outcome);
    } catch (error) {
      sample.error = failureOf(error);
    }
  });

  const chat = (operation: OperationName, withRetrieval: boolean) => async (question: ScenarioText) => {
    const sample: CallSample = { operation, ok: false, ms: 0 };
    samples.push(sample);
    const body = {
      model: context.model,
      purpose: context.purpose,
      messages: [{ role: 'user', content: question.text }],
      max_tokens: settings.max_tokens,
      ...(withRetrieval ? { retrieval: { collection: settings.collection, top_k: settings.top_k } } : {}),
    };
    try {
      const answer = await edge.call('POST', '/api/v1/llm/chat', { token, timeoutMs, body });
      sample.ms = answer.ms;
      if (answer.status !== 200) {
        sample.error = `http_${answer.status}`;
        return;
      }
      const reply = answer.body as { usage?: { completion_tokens?: number }; retrieved_chunks?: unknown[] };
      sample.ok = true;
      sample.completionTokens = reply.usage?.completion_tokens ?? 0;
      if (withRetrieval && (reply.retrieved_chunks?.length ?? 0) > 0) retrievalsWithChunks += 1;
    } catch (error) {
      sample.error = failureOf(error);
    }
  };
  context.progress(`chats with retrieval: ${scenario.retrievalChats.length}`);
  await inParallel(scenario.retrievalChats, settings.concurrency, chat('retrieval_chat', true));
  context.progress(`chats: ${scenario.plainChats.length}`);
  await inParallel(scenario.plainChats, settings.concurrency, chat('plain_chat', false));

  context.progress(`streamed chats (/v1/chat/completions): ${scenario.streamedChats.length}`);
  await inParallel(scenario.streamedChats, settings.concurrency, async (question) => {
    const sample: CallSample = { operation: 'streamed_chat', ok: false, ms: 0 };
    samples.push(sample);
    try {
      const answer = await edge.streamChat(
        { model: context.model, messages: [{ role: 'user', content: question.text }], max_tokens: settings.max_tokens },
        { token, timeoutMs, headers: { 'x-gardien-purpose': context.purpose } },
      );
      sample.ms = answer.ms;
      if (answer.status !== 200) sample.error = `http_${answer.status}`;
      else if (!answer.complete) sample.error = 'stream_incomplete';
      else {
        sample.ok = true;
        if (answer.ttftMs !== undefined) sample.ttftMs = answer.ttftMs;
        sample.completionTokens = answer.completionTokens ?? 0;
      }
    } catch (error) {
      sample.error = failureOf(error);
    }
  });
  return { samples, documentIds, retrievalsWithChunks, wallSeconds: (performance.now() - started) / 1000 };
}

/** Follows a document until it is ready or failed; `since`: when its upload was sent. */
async function untilReady(edge: EdgeClient, token: string, id: string, waitMs: number, timeoutMs: number, since: number): Promise<Partial<CallSample>> {
  for (;;) {
    const state = await edge.call('GET', `/api/v1/documents/${id}`, { token, timeoutMs });
    const body = state.body as { status?: string; chunks_total?: number } | undefined;
    const elapsed = performance.now() - since;
    if (state.status === 200 && body?.status === 'ready') return { ok: true, readyMs: elapsed, chunks: body.chunks_total ?? 0 };
    if (state.status === 200 && body?.status === 'failed') return { ok: false, error: 'document_failed', readyMs: elapsed };
    // The edge's rate limit (429) slows the polling down; anything else but 200 ends it.
    if (state.status !== 200 && state.status !== 429) return { ok: false, error: `poll_http_${state.status}` };
    if (elapsed > waitMs) return { ok: false, error: 'ingestion_timeout', readyMs: elapsed };
    await sleep(state.status === 429 ? 1_000 : POLL_MS);
  }
}

/** Reads every service's metrics once a second: each one's highest resident memory, the highest total of a round, and CPU time from first to last reading. */
export class ResourceSampler {
  private readonly peaks = new Map<ServiceName, number>();
  private readonly firstCpu = new Map<ServiceName, number>();
  private readonly lastCpu = new Map<ServiceName, number>();
  private peakTotal = 0;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();

  constructor(
    private readonly metrics: PlatformMetrics,
    private readonly services: readonly ServiceName[],
    private readonly everyMs = 1_000,
  ) {}

  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => {
      this.round = this.round.then(() => this.sample());
    }, this.everyMs);
  }

  async stop(): Promise<{ services: ServiceResources[]; peakTotal: number }> {
    clearInterval(this.timer);
    await this.round;
    await this.sample();
    const services = this.services.map((service) => {
      const first = this.firstCpu.get(service);
      const last = this.lastCpu.get(service);
      return { service, rss_peak_bytes: this.peaks.get(service) ?? null, cpu_seconds: first === undefined || last === undefined ? null : Math.round((last - first) * 1000) / 1000 };
    });
    return { services, peakTotal: this.peakTotal };
  }

  private async sample(): Promise<void> {
    const read = await this.metrics.readAll();
    let total = 0;
    for (const service of this.services) {
      const samples = read.get(service);
      const figures = samples ? processFigures(samples) : undefined;
      if (!figures) continue;
      total += figures.rssBytes;
      this.peaks.set(service, Math.max(this.peaks.get(service) ?? 0, figures.rssBytes));
      if (!this.firstCpu.has(service)) this.firstCpu.set(service, figures.cpuSeconds);
      this.lastCpu.set(service, figures.cpuSeconds);
    }
    this.peakTotal = Math.max(this.peakTotal, total);
  }
}
