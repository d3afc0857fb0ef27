// The pool of a model's sequences: calls beyond it wait in order in a bounded queue, leave it when
// aborted or after their wait, and every resource lent comes back exactly once.
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { LlmRuntimeErrorCode } from '../llm-runtime.errors.js';
import { LeasePool, type Lease } from './lease-pool.js';

const LONG = 60_000;

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function track<T>(promise: Promise<T>): { value?: T; error?: unknown; settled: boolean } {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error: unknown) => Object.assign(state, { error, settled: true }),
  );
  return state;
}

describe('LeasePool', () => {
  it('lends each free resource at once, then queues', async () => {
    const pool = new LeasePool(['a', 'b'], 4);
    const first = await pool.acquire('chat', LONG);
    const second = await pool.acquire('chat', LONG);
    expect([first.resource, second.resource].sort()).toEqual(['a', 'b']);
    const third = track(pool.acquire('chat', LONG));
    await settle();
    expect([third.settled, pool.waitingCount]).toEqual([false, 1]);
    first.release();
    await settle();
    expect(third.value?.resource).toBe(first.resource);
    expect(pool.waitingCount).toBe(0);
  });

  it('serves the waiters in the order they came', async () => {
    const pool = new LeasePool(['only'], 10);
    const held = await pool.acquire('chat', LONG);
    const order: number[] = [];
    const waiters = [0, 1, 2, 3].map((index) =>
      pool.acquire('chat', LONG).then((lease) => {
        order.push(index);
        return lease;
      }),
    );
    held.release();
    for (const waiter of waiters) (await waiter).release();
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('a waiter aborted leaves the queue with cancelled, and the next one gets the resource', async () => {
    const pool = new LeasePool(['only'], 10);
    const held = await pool.acquire('chat_stream', LONG);
    const controller = new AbortController();
    const aborted = track(pool.acquire('chat_stream', LONG, controller.signal));
    const next = track(pool.acquire('chat_stream', LONG));
    await settle();
    expect(pool.waitingCount).toBe(2);
    controller.abort();
    await settle();
    expect(aborted.error).toMatchObject({ code: LlmRuntimeErrorCode.Cancelled, details: { runtime: 'embedded', operation: 'chat_stream' } });
    expect(pool.waitingCount).toBe(1);
    held.release();
    await settle();
    expect(next.value?.resource).toBe('only');
  });

  it('a signal already aborted is refused at once, even with a resource free', async () => {
    const pool = new LeasePool(['a'], 10);
    await expect(pool.acquire('embed', LONG, AbortSignal.abort())).rejects.toMatchObject({ code: LlmRuntimeErrorCode.Cancelled });
    // The resource was not taken.
    expect((await pool.acquire('embed', LONG)).resource).toBe('a');
  });

  it('a signal aborted after the lease came does nothing', async () => {
    const pool = new LeasePool(['a'], 10);
    const held = await pool.acquire('chat', LONG);
    const controller = new AbortController();
    const waiting = pool.acquire('chat', LONG, controller.signal);
    held.release();
    const lease = await waiting;
    controller.abort();
    expect(lease.resource).toBe('a');
  });

  it('a call beyond a full queue is refused at once with runtime_unavailable', async () => {
    const pool = new LeasePool(['only'], 2);
    await pool.acquire('chat', LONG);
    const controller = new AbortController();
    const waiting = [pool.acquire('chat', LONG, controller.signal), pool.acquire('chat', LONG, controller.signal)].map((waiter) => waiter.catch(() => undefined));
    await expect(pool.acquire('embed', LONG)).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeUnavailable, details: { runtime: 'embedded', operation: 'embed' } });
    expect(pool.waitingCount).toBe(2);
    controller.abort();
    await Promise.all(waiting);
    expect(pool.waitingCount).toBe(0);
  });

  it('with no queue, a call finding no free resource is refused at once', async () => {
    const pool = new LeasePool(['only'], 0);
    await pool.acquire('chat', LONG);
    await expect(pool.acquire('chat', LONG)).rejects.toMatchObject({ code: LlmRuntimeErrorCode.RuntimeUnavailable });
  });

  it('a lease released twice gives its resource back once', async () => {
    const pool = new LeasePool(['only'], 10);
    const lease = await pool.acquire('chat', LONG);
    const first = track(pool.acquire('chat', LONG));
    const second = track(pool.acquire('chat', LONG));
    lease.release();
    lease.release();
    await settle();
    expect([first.settled, second.settled]).toEqual([true, false]);
    first.value!.release();
    await settle();
    expect(second.value?.resource).toBe('only');
    // Released twice with nobody waiting: still one resource in the pool.
    lease.release();
    second.value!.release();
    second.value!.release();
    const again = await pool.acquire('chat', LONG);
    await expect(pool.acquire('chat', LONG, AbortSignal.timeout(10))).rejects.toMatchObject({ code: LlmRuntimeErrorCode.Cancelled });
    again.release();
  });

  describe('in time', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    /** A pool of one resource, lent, and a call waiting for it at most `waitMs`. */
    async function oneHeldOneWaiting(waitMs: number) {
      const pool = new LeasePool(['only'], 10);
      const held = await pool.acquire('chat', LONG);
      return { pool, held, waiting: track(pool.acquire('chat', waitMs)) };
    }

    it('a waiter that waits longer than its bound is refused with runtime_timeout, phase first_byte, and leaves the queue', async () => {
      const { pool, held, waiting } = await oneHeldOneWaiting(500);
      await jest.advanceTimersByTimeAsync(499);
      expect(waiting.settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(waiting.error).toMatchObject({ code: LlmRuntimeErrorCode.RuntimeTimeout, details: { runtime: 'embedded', operation: 'chat', phase: 'first_byte' } });
      expect(pool.waitingCount).toBe(0);
      // The resource released later goes back to the pool, not to the waiter that gave up.
      held.release();
      expect((await pool.acquire('chat', LONG)).resource).toBe('only');
    });

    it('a waiter served in time has its timer cleared: it is not refused later', async () => {
      const { held, waiting } = await oneHeldOneWaiting(500);
      await jest.advanceTimersByTimeAsync(100);
      held.release();
      await jest.advanceTimersByTimeAsync(1_000);
      expect(waiting.error).toBeUndefined();
      expect(waiting.value?.resource).toBe('only');
      expect(jest.getTimerCount()).toBe(0);
    });

    it('under any schedule of acquire, release (once or twice), abort and timeout: never more leases out than resources, none lent twice, all back at the end', async () => {
      type Step = { kind: 'acquire'; abortable: boolean; waitMs: number } | { kind: 'release' | 'release_again'; pick: number } | { kind: 'abort'; pick: number } | { kind: 'elapse'; ms: number };
      const step: fc.Arbitrary<Step> = fc.oneof(
        fc.record({ kind: fc.constant('acquire' as const), abortable: fc.boolean(), waitMs: fc.integer({ min: 0, max: 50 }) }),
        fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('release_again' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('abort' as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant('elapse' as const), ms: fc.integer({ min: 0, max: 30 }) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.array(step, { maxLength: 60 }), async (size, maxWaiting, steps) => {
          const resources = Array.from({ length: size }, (_, index) => `r${index}`);
          const pool = new LeasePool(resources, maxWaiting);
          const out = new Set<string>();
          const leases: Lease<string>[] = [];
          const released: Lease<string>[] = [];
          const controllers: AbortController[] = [];
          let violation: string | undefined;
          const acquired = (lease: Lease<string>) => {
            if (out.has(lease.resource)) violation = `${lease.resource} lent twice`;
            out.add(lease.resource);
            if (out.size > size) violation = `${out.size} leases out of ${size}`;
            leases.push(lease);
          };
          for (const current of steps) {
            if (current.kind === 'acquire') {
              const controller = new AbortController();
              if (current.abortable) controllers.push(controller);
              pool.acquire('chat', current.waitMs, controller.signal).then(acquired, (error: { code?: string }) => {
                if (![LlmRuntimeErrorCode.Cancelled, LlmRuntimeErrorCode.RuntimeTimeout, LlmRuntimeErrorCode.RuntimeUnavailable].includes(error.code as LlmRuntimeErrorCode)) violation = `refused with ${String(error.code)}`;
              });
            } else if (current.kind === 'release' && leases.length > 0) {
              const [lease] = leases.splice(current.pick % leases.length, 1);
              out.delete(lease!.resource);
              lease!.release();
              released.push(lease!);
            } else if (current.kind === 'release_again' && released.length > 0) {
              // A second release of a lease already given back: a no-op.
              released[current.pick % released.length]!.release();
            } else if (current.kind === 'abort' && controllers.length > 0) {
              controllers.splice(current.pick % controllers.length, 1)[0]!.abort();
            } else if (current.kind === 'elapse') {
              await jest.advanceTimersByTimeAsync(current.ms);
            }
            await jest.advanceTimersByTimeAsync(0);
            expect(violation).toBeUndefined();
            expect(pool.waitingCount).toBeLessThanOrEqual(maxWaiting);
          }
          // The end: every waiter gives up or is served, every lease is released.
          while (leases.length > 0 || pool.waitingCount > 0) {
            for (const lease of leases.splice(0)) {
              out.delete(lease.resource);
              lease.release();
            }
            await jest.advanceTimersByTimeAsync(51);
          }
          expect(violation).toBeUndefined();
          const back = await Promise.all(resources.map(() => pool.acquire('chat', 0)));
          expect(back.map((lease) => lease.resource).sort()).toEqual(resources);
          expect(jest.getTimerCount()).toBe(0);
        }),
        { numRuns: 200 },
      );
    });
  });
});
