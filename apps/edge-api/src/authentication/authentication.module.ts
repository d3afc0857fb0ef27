import { Module } from '@nestjs/common';
import { BusClient } from '@gardien/contracts';
import { TokenVerifier, keySetFromBus } from '@gardien/authz';
import { ApiKeyExchange } from './api-key-exchange.service.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { BearerStrategy } from './bearer.strategy.js';
import { EdgeAuthGuard } from './edge-auth.guard.js';
import { HttpAuthenticator } from './http-authenticator.service.js';

@Module({
  providers: [
    { provide: TokenVerifier, useFactory: (bus: BusClient) => new TokenVerifier(keySetFromBus(bus)), inject: [BusClient] },
    ApiKeyExchange,
    BearerStrategy,
    ApiKeyStrategy,
    EdgeAuthGuard,
    HttpAuthenticator,
  ],
  exports: [EdgeAuthGuard, HttpAuthenticator],
})
export class AuthenticationModule {}
