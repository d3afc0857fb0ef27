import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import type { Principal } from '@gardien/contracts';
import { EARLY_CANCELS_IN_ALL, EARLY_CANCELS_PER_PRINCIPAL, EARLY_CANCEL_TTL_MS, StreamRegistry, type StreamCaller } from './stream-registry.js';

const alice: Principal = { kind: 'user', id: 'a1', tenantId: 't1', roles: ['developer'], mfa: false };
const id = '0c8f6a52-3b1e-4d7a-9f20-5e6d7c8b9a01';
const ANONYMOUS: StreamCaller = { principal: undefined, token: undefined };
const as = (principal: Principal, token = `token-of-${principal.kind}-${principal.tenantId}-${principal.id}`): StreamCaller => ({ principal, token });
const others: StreamCaller[] = [ANONYMOUS, as({ ...alice, id: 'a2' }), as({ ...alice, tenantId: 't2' }), as({ ...alice, kind: 'api_key' })];

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});

afterEach(() => {
  jest.useRealTimers();
});

test('only the principal that started a stream may stop it; others, and the anonymous, change nothing', () => {
  const registry = new StreamRegistry();
  let stops = 0;
  registry.track(id, as(alice), () => (stops += 1));
  for (const other of others) {
    registry.cancel(id, other);
    expect(stops).toBe(0);
  }
  registry.cancel(id, as({ ...alice, roles: [] }, 'a fresher token of alice'));
  expect(stops).toBe(1);
  registry.cancel(id, as(alice));
  expect(stops).toBe(1);
  expect(registry.size).toBe(0);
});

test('the token a stream was started with stops it even when it no longer verifies (expired); any other unverified token does not', () => {
  const registry = new StreamRegistry();
  let stops = 0;
  registry.track(id, { principal: alice, token: 'the call’s token' }, () => (stops += 1));
  for (const token of ['another token of alice, expired', 'the call’s token ', '']) registry.cancel(id, { principal: undefined, token });
  expect(stops).toBe(0);
  registry.cancel(id, { principal: undefined, token: 'the call’s token' });
  expect(stops).toBe(1);
  expect(registry.size).toBe(0);
});

test('a stream started without a token may be stopped by whoever names it; unknown ids change nothing', () => {
  const registry = new StreamRegistry();
  const stops: string[] = [];
  registry.track(id, ANONYMOUS, () => stops.push('first'));
  registry.cancel(randomUUID(), as(alice));
  expect(stops).toEqual([]);
  registry.cancel(id, ANONYMOUS);
  expect(stops).toEqual(['first']);
  expect(registry.size).toBe(0);
});

test('a second stream under a running id is refused; the first stays cancellable', () => {
  const registry = new StreamRegistry();
  const stops: string[] = [];
  expect(registry.track(id, as(alice), () => stops.push('first')).outcome).toBe('tracked');
  expect(registry.track(id, as(alice), () => stops.push('second')).outcome).toBe('in_use');
  registry.cancel(id, as(alice));
  expect(stops).toEqual(['first']);
});

test('a release forgets its own stream only: after a stream ended and another took its id, the old release leaves the new one alone', () => {
  const registry = new StreamRegistry();
  const stops: string[] = [];
  const old = registry.track(id, as(alice), () => stops.push('old'));
  if (old.outcome !== 'tracked') throw new Error('not tracked');
  old.release();
  const current = registry.track(id, as(alice), () => stops.push('current'));
  if (current.outcome !== 'tracked') throw new Error('not tracked');
  old.release();
  expect(registry.size).toBe(1);
  registry.cancel(id, as(alice));
  expect(stops).toEqual(['current']);
  current.release();
  expect(registry.size).toBe(0);
});

test('a cancel that came before its stream has the stream refused as cancelled, once; another principal’s early cancel leaves it alone', () => {
  const registry = new StreamRegistry();
  for (const other of others) registry.cancel(id, other);
  const started = registry.track(id, as(alice), () => undefined);
  expect(started.outcome).toBe('tracked');
  if (started.outcome === 'tracked') started.release();
  // The positive control: her own cancel first, under a token of hers.
  registry.cancel(id, as(alice, 'another token of alice'));
  expect(registry.track(id, as(alice), () => undefined).outcome).toBe('cancelled');
  expect(registry.size).toBe(0);
  expect(registry.track(id, as(alice), () => undefined).outcome).toBe('tracked');
});

test('an early cancel without a token is for a stream started without one; one under a token that did not verify is not remembered', () => {
  const registry = new StreamRegistry();
  registry.cancel(id, ANONYMOUS);
  expect(registry.track(id, ANONYMOUS, () => undefined).outcome).toBe('cancelled');
  registry.cancel(id, { principal: undefined, token: 'made up' });
  expect(registry.earlyCancels).toBe(0);
  expect(registry.track(id, ANONYMOUS, () => undefined).outcome).toBe('tracked');
});

test('an early cancel is forgotten after a few seconds', () => {
  const registry = new StreamRegistry();
  registry.cancel(id, as(alice));
  const later = randomUUID();
  jest.advanceTimersByTime(EARLY_CANCEL_TTL_MS - 1_000);
  registry.cancel(later, as(alice));
  jest.advanceTimersByTime(1_000);
  expect(registry.earlyCancels).toBe(1);
  expect(registry.track(id, as(alice), () => undefined).outcome).toBe('tracked');
  expect(registry.track(later, as(alice), () => undefined).outcome).toBe('cancelled');
});

test('a principal who floods early cancels forgets its own oldest only: another principal’s stays, and the memory stays bounded', () => {
  const registry = new StreamRegistry();
  const bob = as({ ...alice, id: 'b1' });
  registry.cancel(id, as(alice));
  const bobs = Array.from({ length: EARLY_CANCELS_PER_PRINCIPAL * 20 }, () => randomUUID());
  for (const streamId of bobs) registry.cancel(streamId, bob);
  expect(registry.earlyCancels).toBe(1 + EARLY_CANCELS_PER_PRINCIPAL);
  expect(registry.track(bobs[0]!, bob, () => undefined).outcome).toBe('tracked');
  expect(registry.track(bobs.at(-1)!, bob, () => undefined).outcome).toBe('cancelled');
  expect(registry.track(id, as(alice), () => undefined).outcome).toBe('cancelled');
});

test('many principals together cannot remember more than the overall cap: the oldest are forgotten first', () => {
  const registry = new StreamRegistry();
  const first = randomUUID();
  registry.cancel(first, as(alice));
  const principals = Math.ceil((EARLY_CANCELS_IN_ALL * 2) / EARLY_CANCELS_PER_PRINCIPAL);
  let last = { streamId: first, caller: as(alice) };
  for (let n = 0; n < principals; n++) {
    const caller = as({ ...alice, id: `p${n}` });
    for (let k = 0; k < EARLY_CANCELS_PER_PRINCIPAL; k++) {
      last = { streamId: randomUUID(), caller };
      registry.cancel(last.streamId, caller);
    }
  }
  expect(registry.earlyCancels).toBe(EARLY_CANCELS_IN_ALL);
  expect(registry.track(first, as(alice), () => undefined).outcome).toBe('tracked');
  expect(registry.track(last.streamId, last.caller, () => undefined).outcome).toBe('cancelled');
});
