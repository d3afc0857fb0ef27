import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { BoundedKeyCache, type CachedKey } from './bounded-key-cache.js';

const key = (keyId: string): CachedKey => ({ keyId, key: randomBytes(32) });
const zeroed = (entry: CachedKey): boolean => entry.key.every((byte) => byte === 0);

describe('BoundedKeyCache', () => {
  it('evicts the least recently used key beyond its size, and zeroes it', () => {
    const cache = new BoundedKeyCache({ maxEntries: 2, ttlMs: 60_000 });
    const [a, b, c] = [key('a'), key('b'), key('c')];
    cache.set('a', a);
    cache.set('b', b);
    expect(cache.get('a')).toBe(a); // a is now more recent than b
    cache.set('c', c);
    expect(cache.get('b')).toBeUndefined();
    expect(zeroed(b)).toBe(true);
    expect(cache.get('a')).toBe(a);
    expect(cache.get('c')).toBe(c);
    expect(zeroed(a) || zeroed(c)).toBe(false);
  });

  it('drops and zeroes a key once its time-to-live has passed since it was cached, even if used meanwhile', () => {
    let now = 1_000;
    const cache = new BoundedKeyCache({ maxEntries: 10, ttlMs: 100, now: () => now });
    const a = key('a');
    cache.set('a', a);
    now += 99;
    expect(cache.get('a')).toBe(a);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(zeroed(a)).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('zeroes keys on delete, on prefix delete, on clear, and when a key is replaced', () => {
    const cache = new BoundedKeyCache({ maxEntries: 10, ttlMs: 60_000 });
    const entries = { t1s1: key('1'), t1s2: key('2'), t2s1: key('3'), t2s2: key('4') };
    cache.set('t1/s1', entries.t1s1);
    cache.set('t1/s2', entries.t1s2);
    cache.set('t2/s1', entries.t2s1);
    cache.set('t2/s2', entries.t2s2);
    cache.delete('t1/s1');
    expect(zeroed(entries.t1s1)).toBe(true);
    cache.deletePrefix('t1/');
    expect(zeroed(entries.t1s2)).toBe(true);
    expect(zeroed(entries.t2s1)).toBe(false);
    const replacement = key('5');
    cache.set('t2/s1', replacement);
    expect(zeroed(entries.t2s1)).toBe(true);
    cache.clear();
    expect(zeroed(replacement) && zeroed(entries.t2s2)).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('refuses unbounded settings', () => {
    expect(() => new BoundedKeyCache({ maxEntries: 0, ttlMs: 1 })).toThrow(RangeError);
    expect(() => new BoundedKeyCache({ maxEntries: 1, ttlMs: Number.NaN })).toThrow(RangeError);
  });
});
