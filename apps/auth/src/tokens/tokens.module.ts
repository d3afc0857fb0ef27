import { Module } from '@nestjs/common';
import { TokenVerifier, type KeySetSource } from '@gardien/authz';
import { audienceOf, type ServiceName } from '@gardien/contracts';
import { SessionsModule } from '../sessions/sessions.module.js';
import { SigningKeysModule } from '../signing-keys/signing-keys.module.js';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import { AudienceTokens, DELEGATE_VERIFIERS, type DelegateVerifiers } from './audience-tokens.service.js';
import { OwnTokens } from './own-tokens.js';
import { tokenMessageController } from './token.message.controller.js';

/** One verifier per delegate audience, reading auth's own key set (no bus round trip). */
function delegateVerifiers(signingKeys: SigningKeysService): DelegateVerifiers {
  const keys: KeySetSource = () => signingKeys.jwks();
  const verifiers = new Map<ServiceName, TokenVerifier>();
  return (delegate) => {
    let verifier = verifiers.get(delegate);
    if (!verifier) {
      verifier = new TokenVerifier(keys, { audience: audienceOf(delegate) });
      verifiers.set(delegate, verifier);
    }
    return verifier;
  };
}

/** Tokens for one audience each: services' own, and callers' exchanged for another service. */
@Module({
  imports: [SigningKeysModule, SessionsModule],
  controllers: [tokenMessageController()],
  providers: [{ provide: DELEGATE_VERIFIERS, useFactory: delegateVerifiers, inject: [SigningKeysService] }, AudienceTokens, OwnTokens],
  exports: [AudienceTokens, OwnTokens],
})
export class TokensModule {}
