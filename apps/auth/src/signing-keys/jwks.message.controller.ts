import { Controller } from '@nestjs/common';
import { AUTH_OPERATIONS, type JsonWebKeySet } from '@gardien/contracts';
import { Handles } from '@gardien/platform';
import { SigningKeysService } from './signing-keys.service.js';

@Controller()
export class JwksMessageController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  /** Public: the keys that verify access tokens. */
  @Handles(AUTH_OPERATIONS.jwks)
  jwks(): Promise<JsonWebKeySet> {
    return this.signingKeys.jwks();
  }
}
