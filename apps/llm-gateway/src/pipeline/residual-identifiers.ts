// What the runtime is about to receive, scanned once more: just before the runtime is asked, the PII
// engine reads the pseudonymised texts (messages and stop sequences, or embedding inputs) and every
// finding is counted by type in gardien_llm_residual_identifiers_total. A measure, not a guard: the
// texts go to the runtime as they are, and a scan that fails is counted apart, never a refusal.
// `gardien poc run` reads the counter before and after its scenario; an alert can watch it.
// What it cannot see: an identifier the engine misses in both passes is not counted. It catches an
// identifier the pseudonymisation left whole, and one that became recognisable once the text around
// it changed. Labels are types and operations, never values.
import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { ServiceMetrics } from '@gardien/observability';
import { PII_TYPES, PiiScanner } from '@gardien/pii';

export const RESIDUAL_OPERATIONS = ['chat', 'chat_stream', 'embeddings'] as const;
export type ResidualOperation = (typeof RESIDUAL_OPERATIONS)[number];

/** The call as this check sees it: what kind, streamed or not. */
export interface ResidualCall {
  readonly kind: 'chat' | 'embeddings';
  readonly streamed: boolean;
}

const operationOf = (call: ResidualCall): ResidualOperation => (call.kind === 'embeddings' ? 'embeddings' : call.streamed ? 'chat_stream' : 'chat');

@Injectable()
export class ResidualIdentifiers {
  private readonly found: Counter<'type'>;
  private readonly checks: Counter<'operation'>;
  private readonly failures: Counter<'operation'>;

  constructor(
    private readonly scanner: PiiScanner,
    metrics: ServiceMetrics,
  ) {
    const registers = [metrics.registry];
    this.found = new Counter({
      name: 'gardien_llm_residual_identifiers_total',
      help: 'Identifiers the PII engine finds in what the runtime receives, after pseudonymisation, by type (expected: 0)',
      labelNames: ['type'],
      registers,
    });
    this.checks = new Counter({ name: 'gardien_llm_residual_checks_total', help: 'Runtime calls whose pseudonymised texts were scanned again, by operation', labelNames: ['operation'], registers });
    this.failures = new Counter({ name: 'gardien_llm_residual_check_failures_total', help: 'Runtime calls whose texts could not be scanned again (nothing counted for them), by operation', labelNames: ['operation'], registers });
    // Every series from the start: a reader tells "none found" (0) from "not measured" (absent).
    for (const type of PII_TYPES) this.found.inc({ type }, 0);
    for (const operation of RESIDUAL_OPERATIONS) {
      this.checks.inc({ operation }, 0);
      this.failures.inc({ operation }, 0);
    }
  }

  /** Counts what the engine finds in `texts`, the runtime's input; returns how many. Never throws, never changes the texts. */
  check(call: ResidualCall, texts: readonly string[]): number {
    const operation = operationOf(call);
    let findings;
    try {
      findings = texts.flatMap((text) => this.scanner.scan(text));
    } catch {
      this.failures.inc({ operation });
      return 0;
    }
    for (const finding of findings) this.found.inc({ type: finding.type });
    this.checks.inc({ operation });
    return findings.length;
  }
}
