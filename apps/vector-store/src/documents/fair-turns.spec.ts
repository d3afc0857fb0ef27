// FairTurns: never more turns held than its capacity; waiting keys served one turn each per round,
// first come first served within a key, checked against a plain model on generated arrivals; a
// late tenant is served after one more turn of a busy one, not after all its waiting batches; a
// waiter that aborts leaves the line and is never granted.
import fc from 'fast-check';
import { FairTurns, type Turn } from './fair-turns.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** The order the model grants: the first `capacity` at once, then the waiting keys in turn, one each per round. */
function modelOrder(arrivals: readonly string[], capacity: number): number[] {
  const order = arrivals.slice(0, capacity).map((_, index) => index);
  const lines = new Map<string, number[]>();
  arrivals.forEach((key, index) => {
    if (index < capacity) return;
    const line = lines.get(key) ?? [];
    line.push(index);
    lines.set(key, line);
  });
  const round = [...lines.keys()];
  while (round.length > 0) {
    const key = round.shift()!;
    const line = lines.get(key)!;
    order.push(line.shift()!);
    if (line.length > 0) round.push(key);
  }
  return order;
}

test('generated arrivals: at most `capacity` held at once, granted in the order of the round-robin model', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 3 }), async (arrivals, capacity) => {
      const turns = new FairTurns(capacity);
      const granted: number[] = [];
      const held: Turn[] = [];
      arrivals.forEach((key, index) =>
        void turns.take(key).then((turn) => {
          granted.push(index);
          held.push(turn);
        }),
      );
      await settle();
      let most = turns.held;
      while (held.length > 0) {
        held.shift()!.release();
        await settle();
        most = Math.max(most, turns.held);
      }
      expect(most).toBeLessThanOrEqual(capacity);
      expect(granted).toEqual(modelOrder(arrivals, capacity));
      expect([turns.held, turns.waiting]).toEqual([0, 0]);
    }),
  );
});

test('a tenant arriving behind a hundred waiting batches of another is served after one more of them', async () => {
  const turns = new FairTurns(1);
  const order: string[] = [];
  const held: Turn[] = [];
  const take = (key: string) => void turns.take(key).then((turn) => (order.push(key), held.push(turn)));
  for (let i = 0; i < 100; i++) take('busy');
  await settle();
  take('late');
  for (let i = 0; i < 3; i++) {
    held.shift()!.release();
    await settle();
  }
  expect(order.slice(0, 4)).toEqual(['busy', 'busy', 'late', 'busy']);
});

test('a waiter whose signal aborts leaves the line, rejected with the reason, and is never granted; released twice counts once', async () => {
  const turns = new FairTurns(1);
  const first = await turns.take('a');
  const controller = new AbortController();
  const gone = turns.take('b', controller.signal);
  const next = turns.take('c');
  controller.abort(new Error('stopping'));
  await expect(gone).rejects.toThrow('stopping');
  expect(turns.waiting).toBe(1);
  first.release();
  first.release();
  const turn = await next;
  expect([turns.held, turns.waiting]).toEqual([1, 0]);
  turn.release();
  await expect(turns.take('d', AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  expect(turns.held).toBe(0);
  expect(() => new FairTurns(0)).toThrow();
});
