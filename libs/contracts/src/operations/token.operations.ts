// How a process gets the access tokens it sends. Every token names the one service that may accept
// it (its audience): a service that receives a token can replay it nowhere else.
// - A service's own token (`tokens.service.<service>`), for calls it makes in its own name (the
//   rights saga long after a DPO's token expired, the audit service, the gateway). Only that
//   service's NATS user may publish the subject (the generated nats-server configuration denies it
//   to every other), so no other process can obtain a token in its name.
// - A caller's token for another audience (`tokens.exchange.<service>`, RFC 8693 in spirit): the
//   edge trades the token a client gave it (audience edge-api) for one the service it calls accepts;
//   a service may do the same only towards the services DELEGATIONS lets it call on a caller's behalf.
import { z } from 'zod';
import { ALL_SERVICES, BUS_SERVICES, type BusService, type ServiceName } from '../services.js';
import { busOperation, type BusOperation } from './bus-operation.js';

/** The services a process may call with a caller's token, exchanged for each callee's audience. */
export const DELEGATIONS: Readonly<Partial<Record<ServiceName, readonly BusService[]>>> = Object.freeze({
  'edge-api': BUS_SERVICES,
  // Auth checks, as the caller, that a purpose an API key names exists in the caller's tenant.
  auth: ['tenant'],
  // The vector store embeds a caller's documents and queries through the gateway, as the caller.
  'vector-store': ['llm-gateway'],
  // The gateway retrieves chunks for a retrieval-augmented chat from the vector store, as the caller.
  'llm-gateway': ['vector-store'],
});

/** Delegates that exchange tokens over the bus: every one but auth, which issues them itself. */
export const BUS_DELEGATES: readonly ServiceName[] = (Object.keys(DELEGATIONS) as ServiceName[]).filter((delegate) => delegate !== 'auth');

/** Processes that obtain service tokens over the bus (auth signs its own). */
export const SERVICE_TOKEN_HOLDERS: readonly ServiceName[] = ALL_SERVICES.filter((service) => service !== 'auth');

export const Audience = z.enum(BUS_SERVICES);

export const ServiceTokenRequest = z.object({ audience: Audience }).strict();
export type ServiceTokenRequest = z.infer<typeof ServiceTokenRequest>;

export const TokenExchangeRequest = z.object({ audience: Audience }).strict();
export type TokenExchangeRequest = z.infer<typeof TokenExchangeRequest>;

export const IssuedToken = z.object({ access_token: z.string().min(1).max(4_096), expires_in: z.number().int().positive() }).strict();
export type IssuedToken = z.infer<typeof IssuedToken>;

type ServiceTokenOperation = BusOperation<typeof ServiceTokenRequest, typeof IssuedToken>;
type TokenExchangeOperation = BusOperation<typeof TokenExchangeRequest, typeof IssuedToken>;

const serviceTokenOperations = new Map<ServiceName, ServiceTokenOperation>(
  SERVICE_TOKEN_HOLDERS.map((holder) => [
    holder,
    busOperation({
      service: 'auth',
      action: `tokens.service.${holder}`,
      request: ServiceTokenRequest,
      reply: IssuedToken,
      authenticated: false,
      publishers: [holder],
    }),
  ]),
);

const exchangeOperations = new Map<ServiceName, TokenExchangeOperation>(
  BUS_DELEGATES.map((delegate) => [
    delegate,
    // The token to exchange travels as usual, in the Authorization header; auth verifies it for the
    // delegate's own audience, so the guard of other operations (auth's audience) does not apply.
    busOperation({
      service: 'auth',
      action: `tokens.exchange.${delegate}`,
      request: TokenExchangeRequest,
      reply: IssuedToken,
      authenticated: false,
      publishers: [delegate],
    }),
  ]),
);

/** The operation by which `holder` obtains its own tokens. */
export function serviceTokenOperation(holder: ServiceName): ServiceTokenOperation {
  const operation = serviceTokenOperations.get(holder);
  if (!operation) throw new Error(`${holder} obtains no service token over the bus`);
  return operation;
}

/** The operation by which `delegate` exchanges a caller's token for another audience. */
export function tokenExchangeOperation(delegate: ServiceName): TokenExchangeOperation {
  const operation = exchangeOperations.get(delegate);
  if (!operation) throw new Error(`${delegate} may not exchange callers' tokens`);
  return operation;
}

export const TOKEN_OPERATIONS: readonly BusOperation[] = [...serviceTokenOperations.values(), ...exchangeOperations.values()];
