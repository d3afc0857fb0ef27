// Auth issues every token for one audience (the one service that may accept it). Here: the tokens
// of platform services (their own, and auth's for its own calls), and callers' tokens re-issued
// for another audience, for a process DELEGATIONS lets call that service on a caller's behalf.
// An exchanged token asserts exactly what the original did, for no longer than it would have.
import { Inject, Injectable } from '@nestjs/common';
import {
  DELEGATIONS,
  PLATFORM_TENANT_ID,
  audienceOf,
  type AccessTokenClaims,
  type BusService,
  type GardienError,
  type IssuedToken,
  type Principal,
  type ServiceName,
} from '@gardien/contracts';
import { AuthzReason, TokenVerifier, authzError } from '@gardien/authz';
import { AuthReason, authError } from '../auth.errors.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';

/** Service tokens are short: a compromised token is useful for minutes, renewal costs one request. */
export const SERVICE_TOKEN_TTL_SECONDS = 5 * 60;

/** Verifies a token for the audience of a given process (the delegate that presents it). */
export const DELEGATE_VERIFIERS = Symbol('DELEGATE_VERIFIERS');
export type DelegateVerifiers = (delegate: ServiceName) => TokenVerifier;

@Injectable()
export class AudienceTokens {
  constructor(
    private readonly signingKeys: SigningKeysService,
    private readonly sessions: SessionsService,
    @Inject(DELEGATE_VERIFIERS) private readonly verifierFor: DelegateVerifiers,
  ) {}

  /** A token of the platform service `holder`, in its own name, for calls to `audience`. */
  async serviceToken(holder: ServiceName, audience: BusService): Promise<IssuedToken> {
    const { token, expiresIn } = await this.signingKeys.issueAccessToken(
      { sub: holder, tid: null, kind: 'service', roles: [], mfa: false },
      audienceOf(audience),
      SERVICE_TOKEN_TTL_SECONDS,
    );
    return { access_token: token, expires_in: expiresIn };
  }

  /** `token`, which `delegate` received for itself, re-issued for `audience`, if the delegate may call it for its caller. */
  async exchange(delegate: ServiceName, token: string | undefined, audience: BusService): Promise<IssuedToken> {
    const principal = await this.verifierFor(delegate).verify(token);
    return this.delegate(delegate, principal, audience);
  }

  /** A caller's token for `audience`, from its verified principal, on `delegate`'s behalf. */
  async delegate(delegate: ServiceName, principal: Principal, audience: BusService, now = Date.now()): Promise<IssuedToken> {
    if (!DELEGATIONS[delegate]?.includes(audience)) {
      throw authError(AuthReason.DelegationNotAllowed);
    }
    // A platform service's own token is never re-issued: it asks for its own tokens.
    if (principal.kind === 'service' && principal.tenantId === null) throw notExchangeable();
    // A session that has ended (logout, reuse detected, timeout) is not extended to new audiences.
    if (principal.sessionId && !(await this.sessions.isLive(principal.tenantId ?? PLATFORM_TENANT_ID, principal.sessionId))) throw notExchangeable();
    const remaining = Math.floor(((principal.expiresAt ?? now) - now) / 1000);
    if (remaining < 1) throw notExchangeable();
    const { token, expiresIn } = await this.signingKeys.issueAccessToken(claimsOf(principal), audienceOf(audience), remaining);
    return { access_token: token, expires_in: expiresIn };
  }
}

function claimsOf(principal: Principal): AccessTokenClaims {
  return {
    sub: principal.id,
    tid: principal.tenantId,
    kind: principal.kind,
    roles: principal.roles,
    mfa: principal.mfa,
    ...(principal.sessionId ? { sid: principal.sessionId } : {}),
    ...(principal.purposes ? { purposes: principal.purposes } : {}),
    ...(principal.models ? { models: principal.models } : {}),
  };
}

/** The same refusal as a token that does not verify: nothing says why. */
function notExchangeable(): GardienError {
  return authzError(AuthzReason.InvalidAccessToken);
}
