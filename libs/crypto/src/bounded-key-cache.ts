// An in-memory cache of clear keys, bounded in size (least recently used goes first) and in time
// (an absolute time-to-live from insertion, so that a key destroyed elsewhere stops being used
// here after at most `ttlMs`). Every key that leaves the cache is zeroed with fill(0).
// Readers must use a key synchronously right after get(): a later eviction zeroes it.
export interface CachedKey {
  readonly keyId: string;
  readonly key: Buffer;
}

/** Bounds of a key cache as callers configure them (each class has its defaults). */
export interface KeyCacheLimits {
  /** Clear keys held at most. */
  maxEntries?: number;
  /** How long a clear key is held after it was loaded (milliseconds). */
  ttlMs?: number;
}

export interface BoundedKeyCacheOptions {
  /** At most this many keys are held (at least 1). */
  maxEntries: number;
  /** A key is dropped this long after it was cached (milliseconds, at least 1). */
  ttlMs: number;
  /** The clock, injectable for tests. */
  now?: () => number;
}

interface Slot<V extends CachedKey> {
  value: V;
  expiresAt: number;
}

export class BoundedKeyCache<V extends CachedKey = CachedKey> {
  private readonly slots = new Map<string, Slot<V>>();
  private readonly now: () => number;
  private mostRecent: string | undefined;

  constructor(private readonly options: BoundedKeyCacheOptions) {
    if (!(options.maxEntries >= 1) || !(options.ttlMs >= 1)) throw new RangeError('cache bounds must be at least 1');
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.slots.size;
  }

  get(id: string): V | undefined {
    const slot = this.slots.get(id);
    if (!slot) return undefined;
    if (this.now() >= slot.expiresAt) {
      this.drop(id, slot);
      return undefined;
    }
    // Re-insert to mark it most recently used (a Map iterates in insertion order); the hot path,
    // the same key again, skips it.
    if (this.mostRecent !== id) {
      this.slots.delete(id);
      this.slots.set(id, slot);
      this.mostRecent = id;
    }
    return slot.value;
  }

  set(id: string, value: V): void {
    const previous = this.slots.get(id);
    if (previous) this.drop(id, previous, value.key);
    this.slots.set(id, { value, expiresAt: this.now() + this.options.ttlMs });
    while (this.slots.size > this.options.maxEntries) {
      const [oldestId, oldest] = this.slots.entries().next().value as [string, Slot<V>];
      this.drop(oldestId, oldest);
    }
  }

  delete(id: string): void {
    const slot = this.slots.get(id);
    if (slot) this.drop(id, slot);
  }

  /** Drops every entry whose id starts with `prefix` (e.g. all keys of one tenant). */
  deletePrefix(prefix: string): void {
    for (const [id, slot] of [...this.slots]) {
      if (id.startsWith(prefix)) this.drop(id, slot);
    }
  }

  clear(): void {
    for (const [id, slot] of [...this.slots]) this.drop(id, slot);
  }

  private drop(id: string, slot: Slot<V>, keep?: Buffer): void {
    this.slots.delete(id);
    if (slot.value.key !== keep) slot.value.key.fill(0);
  }
}
