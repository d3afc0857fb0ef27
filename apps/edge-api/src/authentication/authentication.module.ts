import { Module } from '@nestjs/common';
import { BusClient, audienceOf } from '@gardien/contracts';
import { DelegatedTokens, TokenVerifier, keySetFromBus } from '@gardien/authz';
import { ApiKeyExchange } from './api-key-exchange.service.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { BearerStrategy } from './bearer.strategy.js';
import { EdgeAuthGuard } from './edge-auth.guard.js';
import { CalleeContexts } from './callee-context.service.js';
import { HttpAuthenticator } from './http-authenticator.service.js';

@Module({
  providers: [
    { provide: TokenVerifier, useFactory: (bus: BusClient) => new TokenVerifier(keySetFromBus(bus), { audience: audienceOf('edge-api') }), inject: [BusClient] },
    { provide: DelegatedTokens, useFactory: (bus: BusClient) => new DelegatedTokens(bus, 'edge-api'), inject: [BusClient] },
    ApiKeyExchange,
    BearerStrategy,
    ApiKeyStrategy,
    EdgeAuthGuard,
    HttpAuthenticator,
    CalleeContexts,
  ],
  exports: [EdgeAuthGuard, HttpAuthenticator, CalleeContexts],
})
export class AuthenticationModule {}
