// A circuit breaker for one runtime: after `failureThreshold` consecutive failures it opens and
// refuses every call at once (circuit_open) for `openMs`; then it is half-open and lets exactly one
// trial call through: a success closes it, a failure opens it again for another `openMs`. A call
// that ends neither way (the caller went away) leaves it as it was, and frees the trial slot.
import { LlmRuntimeError, LlmRuntimeErrorCode } from './llm-runtime.errors.js';
import type { RuntimeKind } from './model-runtime.port.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  /** Names the runtime in the circuit_open error. */
  runtime?: RuntimeKind;
  now?: () => number;
}

/** One admitted call. The first of its three methods called settles it; later calls do nothing. */
export interface CircuitPass {
  succeeded(): void;
  failed(): void;
  abandoned(): void;
}

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) throw new RangeError('failureThreshold must be a positive integer');
    if (!(options.openMs >= 0)) throw new RangeError('openMs must not be negative');
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  /** Admits a call, or throws circuit_open without calling anything. */
  admit(): CircuitPass {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) {
      const retryInMs = state === 'open' ? this.options.openMs - (this.now() - this.openedAt!) : this.options.openMs;
      throw new LlmRuntimeError(LlmRuntimeErrorCode.CircuitOpen, 'the model runtime failed repeatedly; calls are refused for a while', {
        ...(this.options.runtime ? { runtime: this.options.runtime } : {}),
        retryInMs,
      });
    }
    const trial = state === 'half-open';
    if (trial) this.trialInFlight = true;
    let settled = false;
    const settle = (outcome: () => void) => () => {
      if (settled) return;
      settled = true;
      if (trial) this.trialInFlight = false;
      outcome();
    };
    return {
      succeeded: settle(() => this.recordSuccess()),
      failed: settle(() => this.recordFailure(trial)),
      abandoned: settle(() => undefined),
    };
  }

  private recordSuccess(): void {
    this.consecutiveFailures = 0;
    this.openedAt = undefined;
  }

  private recordFailure(trial: boolean): void {
    this.consecutiveFailures += 1;
    if (trial || this.consecutiveFailures >= this.options.failureThreshold) this.openedAt = this.now();
  }
}
