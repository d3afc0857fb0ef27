import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from './circuit-breaker.js';
import { LlmRuntimeErrorCode } from './llm-runtime.errors.js';

function breakerAt(failureThreshold = 3, openMs = 1_000) {
  const clock = { now: 0 };
  const breaker = new CircuitBreaker({ failureThreshold, openMs, runtime: 'ollama', now: () => clock.now });
  return { breaker, clock };
}

const fail = (breaker: CircuitBreaker, times = 1) => {
  for (let i = 0; i < times; i += 1) breaker.admit().failed();
};

describe('CircuitBreaker', () => {
  it('stays closed below the threshold, and a success starts the count again', () => {
    const { breaker } = breakerAt(3);
    fail(breaker, 2);
    breaker.admit().succeeded();
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    fail(breaker);
    expect(breaker.state).toBe('open');
  });

  it('refuses fast while open, with a typed error saying when it will try again', () => {
    const { breaker, clock } = breakerAt(1, 1_000);
    fail(breaker);
    clock.now = 400;
    expect(() => breaker.admit()).toThrow(expect.objectContaining({ code: LlmRuntimeErrorCode.CircuitOpen, details: { runtime: 'ollama', retryInMs: 600 } }));
  });

  it('half-opens after openMs for exactly one trial call', () => {
    const { breaker, clock } = breakerAt(1, 1_000);
    fail(breaker);
    clock.now = 1_000;
    expect(breaker.state).toBe('half-open');
    const trial = breaker.admit();
    expect(() => breaker.admit()).toThrow(expect.objectContaining({ code: LlmRuntimeErrorCode.CircuitOpen }));
    trial.succeeded();
    expect(breaker.state).toBe('closed');
    breaker.admit().succeeded();
  });

  it('opens again for a whole openMs when the trial fails', () => {
    const { breaker, clock } = breakerAt(3, 1_000);
    fail(breaker, 3);
    clock.now = 1_500;
    breaker.admit().failed();
    expect(breaker.state).toBe('open');
    clock.now = 2_499;
    expect(breaker.state).toBe('open');
    clock.now = 2_500;
    expect(breaker.state).toBe('half-open');
  });

  it('frees the trial slot when the trial is abandoned, without deciding anything', () => {
    const { breaker, clock } = breakerAt(1, 1_000);
    fail(breaker);
    clock.now = 1_000;
    breaker.admit().abandoned();
    expect(breaker.state).toBe('half-open');
    breaker.admit().succeeded();
    expect(breaker.state).toBe('closed');
  });

  it('settles a pass once: what comes after the first outcome is ignored', () => {
    const { breaker } = breakerAt(2);
    const pass = breaker.admit();
    pass.failed();
    pass.failed();
    pass.succeeded();
    expect(breaker.state).toBe('closed');
    fail(breaker);
    expect(breaker.state).toBe('open');
  });

  it('refuses settings that make no sense', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0, openMs: 1 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureThreshold: 1.5, openMs: 1 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureThreshold: 1, openMs: -1 })).toThrow(RangeError);
  });
});
