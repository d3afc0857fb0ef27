// Auth's own tokens for the calls it makes in its own name (resolving a tenant at login, creating
// the first tenant at bootstrap): signed here, kept until a minute before they expire.
import { Injectable } from '@nestjs/common';
import { IssuedTokenCache } from '@gardien/authz';
import type { BusService } from '@gardien/contracts';
import { AudienceTokens } from './audience-tokens.service.js';

@Injectable()
export class OwnTokens {
  private readonly cache = new IssuedTokenCache({ expiryMarginMs: 60_000, maxLifetimeMs: 15 * 60_000, maxEntries: 20 });

  constructor(private readonly tokens: AudienceTokens) {}

  forAudience(audience: BusService): Promise<string> {
    return this.cache.get(audience, async () => {
      const issued = await this.tokens.serviceToken('auth', audience);
      return { token: issued.access_token, expiresIn: issued.expires_in };
    });
  }
}
