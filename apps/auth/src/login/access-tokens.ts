// Access tokens of users: what a token asserts comes from the account as stored now (roles), the
// session it belongs to, and whether MFA was satisfied when that session began.
import { Injectable } from '@nestjs/common';
import { PLATFORM_TENANT_ID, audienceOf, type TokenPair } from '@gardien/contracts';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import type { UserRow } from '../users/users.repository.js';

/** Short enough that a token outliving a logout or a role change matters little; refresh renews it. */
export const USER_ACCESS_TOKEN_TTL_SECONDS = 10 * 60;

@Injectable()
export class AccessTokens {
  constructor(private readonly signingKeys: SigningKeysService) {}

  async pairFor(user: Pick<UserRow, 'id' | 'tenant_id' | 'roles'>, sessionId: string, mfa: boolean, refreshToken: string): Promise<TokenPair> {
    const { token, expiresIn } = await this.signingKeys.issueAccessToken(
      {
        sub: user.id,
        tid: user.tenant_id === PLATFORM_TENANT_ID ? null : user.tenant_id,
        kind: 'user',
        roles: user.roles,
        mfa,
        sid: sessionId,
      },
      // Clients present it to the edge only, which exchanges it for each service it calls.
      audienceOf('edge-api'),
      USER_ACCESS_TOKEN_TTL_SECONDS,
    );
    return { access_token: token, refresh_token: refreshToken, token_type: 'Bearer', expires_in: expiresIn };
  }
}
