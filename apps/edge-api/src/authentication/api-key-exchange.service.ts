// Trades a tenant API key for a short access token through the auth service, and keeps the token
// (under the key's SHA-256, never the key) until 30 s before it expires, 5 s at most: a busy
// client costs one exchange every 5 s, and a key that auth no longer exchanges (revoked, rotated,
// its owner demoted or gone, its tenant suspended) stops working within 5 s. No event tells the
// edge of a revocation: the bound is this cache's. Auth ends the token at the key's expiry, so
// none is kept past it.
import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AUTH_OPERATIONS, BusClient, ErrorCode, ExchangeApiKeyRequest, ExchangedApiKey, GardienError } from '@gardien/contracts';
import { EdgeReason, edgeError } from '../edge.errors.js';
import { EDGE_CLOCK, type Clock } from '../tokens.js';

const MAX_CACHED_KEYS = 10_000;
const MAX_CACHE_MS = 5_000;
const EXPIRY_MARGIN_MS = 30_000;

/** Errors that say something about the platform rather than about the key pass through. */
const PLATFORM_ERRORS = new Set<ErrorCode>([ErrorCode.Unavailable, ErrorCode.Timeout, ErrorCode.Internal]);

/** Tenant API keys start with their format's version (`gk1.`); access tokens (JWTs) never do. */
export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith('gk1.');
}

/** How long an exchanged token may be reused: until 30 s before it expires, at most 5 s. */
export function cacheLifetimeMs(expiresInSeconds: number): number {
  return Math.min(MAX_CACHE_MS, expiresInSeconds * 1_000 - EXPIRY_MARGIN_MS);
}

interface CachedToken {
  token: string;
  until: number;
}

@Injectable()
export class ApiKeyExchange {
  private readonly cache = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly now: Clock;

  constructor(
    private readonly bus: BusClient,
    @Optional() @Inject(EDGE_CLOCK) clock?: Clock,
  ) {
    this.now = clock ?? Date.now;
  }

  async accessTokenFor(key: string): Promise<string> {
    const id = createHash('sha256').update(key).digest('hex');
    const cached = this.cache.get(id);
    if (cached && cached.until > this.now()) return cached.token;
    this.cache.delete(id);
    // Only a key that could be valid goes on the bus (a cached one was checked when it was exchanged).
    if (!ExchangeApiKeyRequest.safeParse({ key }).success) throw unauthenticated();
    // Concurrent requests with the same key share one exchange.
    let pending = this.pending.get(id);
    if (!pending) {
      pending = this.exchange(key, id).finally(() => this.pending.delete(id));
      this.pending.set(id, pending);
    }
    return pending;
  }

  private async exchange(key: string, id: string): Promise<string> {
    let reply: ExchangedApiKey;
    try {
      // The key is the credential: no token goes with it.
      reply = await this.bus.call(AUTH_OPERATIONS.exchangeApiKey, { key }, { requestId: randomUUID() });
    } catch (error) {
      if (error instanceof GardienError && PLATFORM_ERRORS.has(error.code)) throw error;
      throw unauthenticated();
    }
    const lifetime = cacheLifetimeMs(reply.expires_in);
    if (lifetime > 0) this.remember(id, { token: reply.access_token, until: this.now() + lifetime });
    return reply.access_token;
  }

  private remember(id: string, entry: CachedToken): void {
    if (this.cache.size >= MAX_CACHED_KEYS) {
      const now = this.now();
      for (const [cachedId, cached] of this.cache) if (cached.until <= now) this.cache.delete(cachedId);
      // Still full: drop the oldest entry (Map keeps insertion order).
      if (this.cache.size >= MAX_CACHED_KEYS) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(id, entry);
  }
}

function unauthenticated(): GardienError {
  return edgeError(EdgeReason.CredentialsRequired);
}
