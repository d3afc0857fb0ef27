import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { subjectOf, type JsonWebKeySet } from '@gardien/contracts';
import { SigningKeysService } from './signing-keys.service.js';

@Controller()
export class JwksMessageController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  /** Public: the keys that verify access tokens. */
  @MessagePattern(subjectOf('auth', 'jwks'))
  jwks(): Promise<JsonWebKeySet> {
    return this.signingKeys.jwks();
  }
}
