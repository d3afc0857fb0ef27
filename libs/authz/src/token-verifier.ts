// Every service verifies the caller's access token itself (rule 3: the edge is not trusted to
// have done it). The key set comes from the auth service over the bus and is cached; a token signed
// by a key not in the cache triggers one refresh (at most every 30 s), so key rotation needs no
// restart. Only EdDSA is accepted: `alg: none`, HMAC and any other algorithm are refused.
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AuthzReason, authzError } from './authz.errors.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import {
  AUTH_OPERATIONS,
  AccessTokenClaims,
  ACCESS_TOKEN_MAX_TTL_SECONDS,
  type BusClient,
  type GardienError,
  type JsonWebKeySet,
  TOKEN_ISSUER,
  type CallContext,
  type Principal,
} from '@gardien/contracts';

/**
 * How far apart the clocks of auth and of a verifier may be. jose applies it to `exp`, `nbf` and
 * both ends of the age check (`iat` in the future, `iat` older than the age cap), and the cache of
 * verified tokens keeps a token exactly as long, so every check counts the same minute once.
 */
export const CLOCK_TOLERANCE_SECONDS = 60;

export interface TokenVerifierOptions {
  /** The audience this process accepts (`audienceOf(<its own name>)`): tokens for any other are refused. */
  audience: string;
  cacheTtlMs?: number;
  /** How many verified tokens to remember (0 disables the cache). */
  verifiedTokens?: number;
  minRefreshIntervalMs?: number;
  now?: () => number;
}

/** Where the key set comes from: the auth service on the bus, or (in auth itself) its own keys. */
export type KeySetSource = () => Promise<JsonWebKeySet>;

export function keySetFromBus(bus: BusClient): KeySetSource {
  return () => bus.call(AUTH_OPERATIONS.jwks, {}, { requestId: randomUUID() });
}

export class TokenVerifier {
  private keys: JWTVerifyGetKey | undefined;
  private kids = new Set<string>();
  private fetchedAt = 0;
  private refreshing: Promise<void> | undefined;
  private readonly cacheTtlMs: number;
  private readonly minRefreshIntervalMs: number;
  private readonly now: () => number;
  private readonly verified: VerifiedTokenCache;

  private readonly audience: string;

  constructor(
    private readonly source: KeySetSource,
    options: TokenVerifierOptions,
  ) {
    this.audience = options.audience;
    this.cacheTtlMs = options.cacheTtlMs ?? 5 * 60_000;
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.verified = new VerifiedTokenCache(options.verifiedTokens ?? 5_000);
  }

  /** The principal of a valid token; UNAUTHENTICATED for anything else (never saying which check failed). */
  async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw unauthenticated();
    const kid = headerKid(token);
    if (!kid) throw unauthenticated();
    await this.ensureKeys(kid);
    if (!this.keys || !this.kids.has(kid)) throw unauthenticated();
    const known = this.verified.get(token, this.now());
    if (known) return known;
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: ['EdDSA'],
        issuer: TOKEN_ISSUER,
        audience: this.audience,
        maxTokenAge: ACCESS_TOKEN_MAX_TTL_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: new Date(this.now()),
      }));
    } catch {
      throw unauthenticated();
    }
    const claims = AccessTokenClaims.safeParse(payload);
    if (!claims.success) throw unauthenticated();
    const c = claims.data;
    const { exp, iat } = payload as { exp: number; iat: number };
    const principal: Principal = {
      kind: c.kind,
      id: c.sub,
      expiresAt: exp * 1000,
      tenantId: c.tid,
      roles: c.roles,
      mfa: c.mfa,
      ...(c.sid ? { sessionId: c.sid } : {}),
      ...(c.purposes ? { purposes: c.purposes } : {}),
      ...(c.models ? { models: c.models } : {}),
    };
    // A token may not live longer than auth ever issues one for, whatever its exp says (both ends
    // come from auth's clock, so the skew plays no part here; the minute is the cap's own slack).
    if (exp - iat > ACCESS_TOKEN_MAX_TTL_SECONDS + 60) throw unauthenticated();
    this.verified.set(token, principal, (exp + CLOCK_TOLERANCE_SECONDS) * 1000, kid);
    return principal;
  }

  /** Verifies the token a bus message carries. */
  verifyCaller(caller: CallContext): Promise<Principal> {
    return this.verify(caller.token);
  }

  private async ensureKeys(kid: string): Promise<void> {
    const age = this.now() - this.fetchedAt;
    const stale = !this.keys || age > this.cacheTtlMs;
    const unknownKid = !this.kids.has(kid) && age > this.minRefreshIntervalMs;
    if (!stale && !unknownKid) return;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
  }

  private async refresh(): Promise<void> {
    try {
      const set = await this.source();
      this.keys = createLocalJWKSet(set);
      this.kids = new Set(set.keys.map((key) => key.kid));
      this.verified.keepOnly(this.kids);
      this.fetchedAt = this.now();
    } catch {
      // Keep serving with the keys we have, and wait before asking again rather than on every request;
      // without any keys, callers get UNAVAILABLE rather than a wrong 401.
      if (!this.keys) throw authzError(AuthzReason.TokenKeysUnavailable);
      this.fetchedAt = this.now() - this.cacheTtlMs + this.minRefreshIntervalMs;
    }
  }
}

function headerKid(token: string): string | undefined {
  const [header] = token.split('.');
  if (!header || header.length > 1_000) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: unknown; alg?: unknown };
    return parsed.alg === 'EdDSA' && typeof parsed.kid === 'string' && parsed.kid.length <= 100 ? parsed.kid : undefined;
  } catch {
    return undefined;
  }
}

function unauthenticated(): GardienError {
  return authzError(AuthzReason.InvalidAccessToken);
}
