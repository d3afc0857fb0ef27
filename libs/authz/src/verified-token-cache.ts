// Tokens already verified, so that a caller reusing its access token (as clients do for its whole
// life) costs a map lookup instead of an Ed25519 verification (~110 µs on the reference machine,
// see the README's figures). Keyed by the exact token string: any altered byte misses. An entry
// lives until the token expires, is dropped when the key that signed it leaves the key set, and
// the map is bounded (least recently used entries go first).
import type { Principal } from '@gardien/contracts';

interface Entry {
  principal: Principal;
  expiresAtMs: number;
  kid: string;
}

export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 5_000) {}

  get(token: string, now: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (entry.expiresAtMs <= now) return undefined;
    this.entries.set(token, entry); // most recently used last
    return entry.principal;
  }

  set(token: string, principal: Principal, expiresAtMs: number, kid: string): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(token);
    this.entries.set(token, { principal, expiresAtMs, kid });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** After a key-set refresh: tokens signed by a key that is no longer published stop being accepted. */
  keepOnly(kids: ReadonlySet<string>): void {
    for (const [token, entry] of this.entries) if (!kids.has(entry.kid)) this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}
