import fc from 'fast-check';
import { ErrorCode, type GardienError } from '@gardien/contracts';
import { PasswordWorkGate } from './password-work-gate.js';

/** Work that runs until the test lets it finish, recording how many run at once. */
function controlledWork() {
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const finishers: Array<() => void> = [];
  const work = (id: number) => () =>
    new Promise<number>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      started.push(id);
      finishers.push(() => {
        running--;
        resolve(id);
      });
    });
  const finishAll = async () => {
    while (finishers.length > 0) {
      finishers.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { work, finishAll, peak: () => peak, started };
}

test('whatever the burst, at most `concurrency` run at once, `maxQueued` wait in order, and the rest are shed at once', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 20 }), async (concurrency, maxQueued, burst) => {
      const gate = new PasswordWorkGate({ concurrency, maxQueued, retryAfterSeconds: 1 });
      const { work, finishAll, peak, started } = controlledWork();
      const answers = Array.from({ length: burst }, (_, id) => gate.run(work(id)).catch((e: GardienError) => e));
      await new Promise((resolve) => setImmediate(resolve));
      await finishAll();
      const settled = await Promise.all(answers);
      const admitted = Math.min(burst, concurrency + maxQueued);
      expect(peak()).toBeLessThanOrEqual(concurrency);
      expect(started).toEqual(Array.from({ length: admitted }, (_, id) => id));
      expect(settled.slice(admitted)).toEqual(Array.from({ length: burst - admitted }, () => expect.objectContaining({ code: ErrorCode.Unavailable, retryAfterSeconds: 1 })));
    }),
    { numRuns: 60 },
  );
});

test('a waiter whose deadline passes leaves the queue without running, and its place goes to the next one', async () => {
  const gate = new PasswordWorkGate({ concurrency: 1, maxQueued: 2, retryAfterSeconds: 1 });
  const { work, finishAll, started } = controlledWork();
  const first = gate.run(work(0));
  const late = gate.run(work(1), Date.now() + 20);
  const patient = gate.run(work(2));
  await expect(late).rejects.toMatchObject({ code: ErrorCode.Timeout });
  await new Promise((resolve) => setImmediate(resolve));
  await finishAll();
  await finishAll();
  expect(await Promise.all([first, patient])).toEqual([0, 2]);
  expect(started).toEqual([0, 2]);
  // The slot was given back: a later run starts at once.
  const after = gate.run(work(3));
  await new Promise((resolve) => setImmediate(resolve));
  await finishAll();
  expect(await after).toBe(3);
});
