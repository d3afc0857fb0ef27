// The token operations on the bus: one subject per platform service for its own tokens, and one per
// delegate for exchanges, each publishable by that process's NATS user alone. The controller gets
// one handler per subject (so that each is a bound handler of its own operation), made here.
import { Controller, type Type } from '@nestjs/common';
import {
  BUS_DELEGATES,
  SERVICE_TOKEN_HOLDERS,
  serviceTokenOperation,
  tokenExchangeOperation,
  type CallContext,
  type IssuedToken,
  type ServiceTokenRequest,
  type TokenExchangeRequest,
} from '@gardien/contracts';
import { CurrentCallContext, Handles, RequestPayload } from '@gardien/platform';
import { AudienceTokens } from './audience-tokens.service.js';

type Handler = (this: { tokens: AudienceTokens }, ...args: never[]) => Promise<IssuedToken>;

export function tokenMessageController(): Type<unknown> {
  @Controller()
  class TokenMessageController {
    constructor(readonly tokens: AudienceTokens) {}
  }
  const prototype = TokenMessageController.prototype as unknown as Record<string, Handler>;
  const define = (name: string, handler: Handler, operation: Parameters<typeof Handles>[0], parameters: Array<(target: object, key: string, index: number) => void>) => {
    Object.defineProperty(prototype, name, { value: handler, writable: true, configurable: true });
    parameters.forEach((decorate, index) => decorate(prototype, name, index));
    Handles(operation)(prototype, name, Object.getOwnPropertyDescriptor(prototype, name)!);
  };
  for (const holder of SERVICE_TOKEN_HOLDERS) {
    define(
      `serviceToken_${holder}`,
      function (request: ServiceTokenRequest) {
        return this.tokens.serviceToken(holder, request.audience);
      } as Handler,
      serviceTokenOperation(holder),
      [RequestPayload()],
    );
  }
  for (const delegate of BUS_DELEGATES) {
    define(
      `exchange_${delegate}`,
      function (request: TokenExchangeRequest, caller: CallContext) {
        return this.tokens.exchange(delegate, caller.token, request.audience);
      } as Handler,
      tokenExchangeOperation(delegate),
      [RequestPayload(), CurrentCallContext()],
    );
  }
  return TokenMessageController;
}
