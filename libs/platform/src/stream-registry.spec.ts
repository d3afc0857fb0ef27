import type { Principal } from '@gardien/contracts';
import { StreamRegistry } from './stream-registry.js';

const alice: Principal = { kind: 'user', id: 'a1', tenantId: 't1', roles: ['developer'], mfa: false };
const id = '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01';

test('only the principal that started a stream may stop it; others, and the anonymous, change nothing', () => {
  const registry = new StreamRegistry();
  let stops = 0;
  registry.track(id, alice, () => (stops += 1));
  for (const other of [undefined, { ...alice, id: 'a2' }, { ...alice, tenantId: 't2' }, { ...alice, kind: 'api_key' as const }]) {
    registry.cancel(id, other);
    expect(stops).toBe(0);
  }
  registry.cancel(id, { ...alice, roles: [] });
  expect(stops).toBe(1);
  registry.cancel(id, alice);
  expect(stops).toBe(1);
  expect(registry.size).toBe(0);
});

test('a stream started without a token may be stopped by whoever names it; unknown ids change nothing', () => {
  const registry = new StreamRegistry();
  const stops: string[] = [];
  registry.track(id, undefined, () => stops.push('first'));
  registry.cancel('no-such-stream', alice);
  expect(stops).toEqual([]);
  registry.cancel(id, undefined);
  expect(stops).toEqual(['first']);
  expect(registry.size).toBe(0);
});

test('a second stream under a running id is refused; the first stays cancellable', () => {
  const registry = new StreamRegistry();
  const stops: string[] = [];
  const first = registry.track(id, alice, () => stops.push('first'));
  expect(first).toBeDefined();
  const second = registry.track(id, alice, () => stops.push('second'));
  expect(second).toBeUndefined();
  registry.cancel(id, alice);
  expect(stops).toEqual(['first']);
});

test('a release forgets its own stream only: after a stream ended and another took its id, the old release leaves the new one alone', () => {
  const registry = new StreamRegistry();
  const stops: string[] = [];
  const old = registry.track(id, alice, () => stops.push('old'))!;
  old.release();
  const current = registry.track(id, alice, () => stops.push('current'))!;
  old.release();
  expect(registry.size).toBe(1);
  registry.cancel(id, alice);
  expect(stops).toEqual(['current']);
  current.release();
  expect(registry.size).toBe(0);
});
