// The stages of a model call, in the order of the design, and the rule every one keeps: a stage
// either decides (its own refusal, with its reason) or fails, and a failure of any other kind
// refuses the call with `<stage>_stage_failed`: the gateway fails closed. How long each stage
// took is kept for the audit entry and the metrics.
import { GardienError } from '@gardien/contracts';
import { GatewayReason, gatewayError } from '../llm-gateway.errors.js';
import { CallCancelled } from './stages/runtime.stage.js';

export const STAGES = ['authorise', 'legal_basis', 'quota', 'retrieval', 'input_guards', 'pseudonymise', 'runtime', 'output_guards', 'reidentify', 'meter', 'audit'] as const;
export type StageName = (typeof STAGES)[number];

const FAILED: Record<StageName, GatewayReason> = {
  authorise: GatewayReason.AuthoriseStageFailed,
  legal_basis: GatewayReason.LegalBasisStageFailed,
  quota: GatewayReason.QuotaStageFailed,
  retrieval: GatewayReason.RetrievalStageFailed,
  input_guards: GatewayReason.InputGuardsStageFailed,
  pseudonymise: GatewayReason.PseudonymiseStageFailed,
  runtime: GatewayReason.RuntimeStageFailed,
  output_guards: GatewayReason.OutputGuardsStageFailed,
  reidentify: GatewayReason.ReidentifyStageFailed,
  meter: GatewayReason.MeterStageFailed,
  audit: GatewayReason.AuditStageFailed,
};

/** A refusal of the call, as it leaves: the stage that refused and the error the caller gets. */
export class StageRefusal extends Error {
  constructor(
    readonly stage: StageName,
    readonly error: GardienError,
    /** Whether the stage decided (quota exceeded, purpose not declared) rather than failed. */
    readonly decided: boolean,
  ) {
    super(error.message);
    this.name = 'StageRefusal';
  }
}

/** The refusal a throw from `stage` becomes: a GardienError is the stage's decision; anything else its failure. */
export function refusalOf(stage: StageName, error: unknown): StageRefusal {
  if (error instanceof StageRefusal) return error;
  if (error instanceof GardienError) return new StageRefusal(stage, error, true);
  return new StageRefusal(stage, gatewayError(FAILED[stage]), false);
}

/** Milliseconds spent in each stage that ran. */
export class StageTimings {
  private readonly spent = new Map<StageName, number>();

  add(stage: StageName, ms: number): void {
    this.spent.set(stage, (this.spent.get(stage) ?? 0) + ms);
  }

  /** As audit details: `<stage>Ms` in camel case, rounded to a tenth of a millisecond. */
  asDetails(): Record<string, number> {
    return Object.fromEntries([...this.spent].map(([stage, ms]) => [`${stage.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}Ms`, Math.round(ms * 10) / 10]));
  }

  entries(): Array<[StageName, number]> {
    return [...this.spent];
  }
}

/**
 * Runs `work` as `stage`: timed, and any throw turned into the stage's refusal, but for the
 * caller going away (CallCancelled), which is neither the stage's decision nor its failure.
 */
export async function runStage<T>(stage: StageName, timings: StageTimings, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } catch (error) {
    if (error instanceof CallCancelled) throw error;
    throw refusalOf(stage, error);
  } finally {
    timings.add(stage, performance.now() - started);
  }
}
