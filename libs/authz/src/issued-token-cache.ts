// Tokens this process obtained from auth (its own service tokens, callers' tokens exchanged for
// another audience, API keys traded for tokens), kept until shortly before they expire so that a
// busy process asks auth once per token and audience, not once per request. Bounded; concurrent
// requests for the same entry share one call; keys are chosen by the caller (hashes, never secrets).
export interface IssuedTokenCacheOptions {
  maxEntries?: number;
  /** An entry is given up this long before its token expires (so it never expires in flight). */
  expiryMarginMs?: number;
  /** And kept at most this long, whatever the token's life. */
  maxLifetimeMs?: number;
  now?: () => number;
}

interface Entry {
  token: string;
  until: number;
}

export interface Issued {
  token: string;
  /** Seconds, as auth answers. */
  expiresIn: number;
}

export class IssuedTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly maxEntries: number;
  private readonly expiryMarginMs: number;
  private readonly maxLifetimeMs: number;
  private readonly now: () => number;

  constructor(options: IssuedTokenCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.expiryMarginMs = options.expiryMarginMs ?? 30_000;
    this.maxLifetimeMs = options.maxLifetimeMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** How long a token that lives `expiresInSeconds` may be reused. */
  lifetimeMs(expiresInSeconds: number): number {
    return Math.min(this.maxLifetimeMs, expiresInSeconds * 1_000 - this.expiryMarginMs);
  }

  /** The cached token of `key`, or the one `obtain` gets (shared by concurrent callers). */
  async get(key: string, obtain: () => Promise<Issued>): Promise<string> {
    const cached = this.entries.get(key);
    if (cached && cached.until > this.now()) return cached.token;
    this.entries.delete(key);
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.fetch(key, obtain).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async fetch(key: string, obtain: () => Promise<Issued>): Promise<string> {
    const issued = await obtain();
    const lifetime = this.lifetimeMs(issued.expiresIn);
    if (lifetime > 0) this.remember(key, { token: issued.token, until: this.now() + lifetime });
    return issued.token;
  }

  private remember(key: string, entry: Entry): void {
    if (this.entries.size >= this.maxEntries) {
      const now = this.now();
      for (const [cachedKey, cached] of this.entries) if (cached.until <= now) this.entries.delete(cachedKey);
      // Still full: drop the oldest entry (Map keeps insertion order).
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, entry);
  }
}
