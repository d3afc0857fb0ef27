// What `gardien poc run` plays and how it judges: the scenario's size and seed, and the thresholds
// of the Go/No-Go report. The defaults are the pre-production checklist's alert thresholds
// (response time > 3 s warning, > 10 s critical; error rate > 5 % / > 10 %; CPU and RAM > 70 % /
// > 90 %), and any identifier reaching the runtime is No-Go. A config file (JSON) gives any part of
// it; what it leaves out keeps its default, a field it does not know is refused.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Levels = z
  .object({ warning: z.number().min(0), critical: z.number().min(0) })
  .strict()
  .refine((levels) => levels.warning <= levels.critical, { message: 'warning must not be above critical' });

export const PERCENTILES = ['p50', 'p95', 'p99'] as const;
export type Percentile = (typeof PERCENTILES)[number];

export const PocConfigSchema = z
  .object({
    scenario: z
      .object({
        seed: z.number().int().min(0).max(2 ** 32 - 1).default(20_261_207),
        documents: z.number().int().min(1).max(500).default(12),
        retrieval_chats: z.number().int().min(1).max(2_000).default(20),
        plain_chats: z.number().int().min(1).max(2_000).default(20),
        streamed_chats: z.number().int().min(1).max(2_000).default(20),
        /** The vector store's collection: `documents` is the one it serves when none is configured. */
        collection: z.string().min(1).max(64).default('documents'),
        top_k: z.number().int().min(1).max(10).default(3),
        /** Completion tokens asked for at most per chat. */
        max_tokens: z.number().int().min(1).max(4_096).default(64),
        /** Calls in flight at once, per phase. */
        concurrency: z.number().int().min(1).max(64).default(1),
        /** One call longer than this is an error (its latency is still recorded). */
        request_timeout_seconds: z.number().min(1).max(600).default(60),
        /** A document not ready after this long is an error. */
        ingestion_timeout_seconds: z.number().min(1).max(3_600).default(120),
      })
      .strict()
      .prefault({}),
    thresholds: z
      .object({
        /** End-to-end latency of every operation and time to first token, at this percentile, in seconds. */
        response_time_seconds: z
          .object({ percentile: z.enum(PERCENTILES).default('p95'), warning: z.number().min(0).default(3), critical: z.number().min(0).default(10) })
          .strict()
          .refine((levels) => levels.warning <= levels.critical, { message: 'warning must not be above critical' })
          .prefault({}),
        error_rate_percent: Levels.default({ warning: 5, critical: 10 }),
        /** Identifiers the gateway's residual check finds in what the runtime receives: more than `critical` is No-Go. Only 0 makes sense. */
        identifiers_reaching_runtime: z.object({ critical: z.number().int().min(0).default(0) }).strict().prefault({}),
        /** The platform's processes, resident memory at its peak, as a share of the machine's memory. null: reported, not judged. */
        memory_percent: Levels.nullable().default({ warning: 70, critical: 90 }),
        /** The platform's processes, CPU time over the scenario as a share of all the machine's cores. null: reported, not judged. */
        cpu_percent: Levels.nullable().default({ warning: 70, critical: 90 }),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type PocConfig = z.infer<typeof PocConfigSchema>;

/** The file does not exist, is not JSON or does not fit: exit 64 with a message naming the field. */
export class PocConfigError extends Error {
  override readonly name = 'PocConfigError';
}

export function defaultPocConfig(): PocConfig {
  return PocConfigSchema.parse({});
}

export function loadPocConfig(file: string | undefined): PocConfig {
  if (file === undefined) return defaultPocConfig();
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PocConfigError(code ? `cannot read --config (${code})` : '--config is not valid JSON');
  }
  return parsePocConfig(raw);
}

export function parsePocConfig(raw: unknown): PocConfig {
  const parsed = PocConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PocConfigError(`--config: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}
