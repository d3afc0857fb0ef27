// Who acts in the message being handled, for which tenant, and in which request: made once per
// message from the verified principal and the call context (libs/platform's @CurrentCaller()) and
// passed down to services whole, instead of a principal here and a request id there. Calls made
// while handling it carry its request id, trace context and deadline on (callContextFor), so that
// a trace and a deadline run across every service a request reaches.
import type { CallContext } from './headers.js';
import type { Principal } from './schemas/identity.js';

/**
 * The request a piece of work belongs to. Open operations (login, refresh, the API-key exchange,
 * the bootstrap) have this and no principal: nobody is proven to act yet.
 */
export interface CallScope {
  /** Correlation id of the originating request. */
  readonly requestId: string;
  /** W3C trace context of the caller. */
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** When the caller stops waiting (epoch ms, by this process's clock). */
  readonly deadline?: number;
}

/** A verified caller: who acts (what its access token proves), for which tenant, in which request. */
export interface Caller extends CallScope {
  readonly principal: Principal;
  /** The principal's tenant; null for the super-admin and for the platform's own services. */
  readonly tenantId: string | null;
}

/** The scope of a received call: everything but the token, which services have no use for. */
export function callScopeOf(context: CallContext): CallScope {
  return {
    requestId: context.requestId,
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    ...(context.tracestate ? { tracestate: context.tracestate } : {}),
    ...(context.deadline !== undefined ? { deadline: context.deadline } : {}),
  };
}

export function callerOf(principal: Principal, context: CallContext): Caller {
  return { ...callScopeOf(context), principal, tenantId: principal.tenantId };
}

/** The context of a call made while handling `scope`, sent with `token`: the same request, trace and deadline. */
export function callContextFor(scope: CallScope, token?: string): CallContext {
  return { ...callScopeOf(scope), ...(token ? { token } : {}) };
}
