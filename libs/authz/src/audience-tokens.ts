// The tokens a process sends on its calls, each for the one service it calls (its audience):
// - `ServiceTokens`: the process's own, for calls in its own name, obtained from auth on a subject
//   only its NATS user may publish;
// - `DelegatedTokens`: a caller's token, exchanged for the callee's audience (the edge for every
//   call it makes on a client's behalf; a service only where libs/contracts DELEGATIONS allows).
import { createHash, randomUUID } from 'node:crypto';
import {
  type BusClient,
  type BusService,
  type CallContext,
  type ServiceName,
  serviceTokenOperation,
  tokenExchangeOperation,
} from '@gardien/contracts';
import { IssuedTokenCache, type IssuedTokenCacheOptions } from './issued-token-cache.js';

/** A service's own tokens: minutes long, renewed a minute before they expire. */
export class ServiceTokens {
  private readonly cache: IssuedTokenCache;

  constructor(
    private readonly bus: BusClient,
    private readonly holder: ServiceName,
    options: IssuedTokenCacheOptions = {},
  ) {
    this.cache = new IssuedTokenCache({ expiryMarginMs: 60_000, maxLifetimeMs: 15 * 60_000, maxEntries: 100, ...options });
  }

  /** A token of this service, for calls to `audience`. */
  forAudience(audience: BusService, requestId: string = randomUUID()): Promise<string> {
    return this.cache.get(audience, async () => {
      const reply = await this.bus.call(serviceTokenOperation(this.holder), { audience }, { requestId });
      return { token: reply.access_token, expiresIn: reply.expires_in };
    });
  }
}

/** Callers' tokens exchanged for the audience of each service called on their behalf. */
export class DelegatedTokens {
  private readonly cache: IssuedTokenCache;

  constructor(
    private readonly bus: BusClient,
    private readonly delegate: ServiceName,
    options: IssuedTokenCacheOptions = {},
  ) {
    this.cache = new IssuedTokenCache(options);
  }

  /** `token` (for this process) exchanged for one `audience` accepts. */
  forAudience(token: string, audience: BusService, context: Omit<CallContext, 'token'>): Promise<string> {
    // Keyed by a hash: the cache never holds a caller's token as a key.
    const key = `${audience}:${createHash('sha256').update(token).digest('base64url')}`;
    return this.cache.get(key, async () => {
      const reply = await this.bus.call(tokenExchangeOperation(this.delegate), { audience }, { ...context, token });
      return { token: reply.access_token, expiresIn: reply.expires_in };
    });
  }
}
