// The auth service's own access token for calls it makes to other services (rule 3: every call on
// the bus carries a token the callee verifies). It names the auth service, belongs to no tenant and
// carries no role a tenant grant could match: callees admit it only on the operations meant for it.
import { Injectable } from '@nestjs/common';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';

const TTL_SECONDS = 300;
const RENEW_BEFORE_MS = 60_000;

@Injectable()
export class ServiceTokens {
  private cached: { token: string; expiresAt: number } | undefined;

  constructor(private readonly signingKeys: SigningKeysService) {}

  async current(now = Date.now()): Promise<string> {
    if (this.cached && this.cached.expiresAt - RENEW_BEFORE_MS > now) return this.cached.token;
    const { token, expiresIn } = await this.signingKeys.issueAccessToken({ sub: 'auth', tid: null, kind: 'service', roles: ['service'], mfa: false }, TTL_SECONDS);
    this.cached = { token, expiresAt: now + expiresIn * 1000 };
    return token;
  }
}
