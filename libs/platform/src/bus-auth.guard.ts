// Guards a bus handler: the message must carry a valid access token, verified here, in this
// service. The verified principal is attached to the message context for @CurrentPrincipal() and
// @CurrentCaller().
import { Injectable, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { callerOf, type Caller, type Principal } from '@gardien/contracts';
import { callContextOf } from './call-context.decorator.js';
import { AuthzReason, TokenVerifier, authzError } from '@gardien/authz';

const PRINCIPAL = Symbol('gardien.principal');

type WithPrincipal = { [PRINCIPAL]?: Principal };

@Injectable()
export class BusAuthGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = await this.verifier.verifyCaller(callContextOf(context));
    (context.switchToRpc().getContext<object>() as WithPrincipal)[PRINCIPAL] = principal;
    return true;
  }
}

/** The principal BusAuthGuard verified for the message of this context, if it ran. */
export function principalOf(rpcContext: object): Principal | undefined {
  return (rpcContext as WithPrincipal)[PRINCIPAL];
}

function verifiedPrincipalOf(context: ExecutionContext): Principal {
  const principal = (context.switchToRpc().getContext<object>() as WithPrincipal)[PRINCIPAL];
  if (!principal) throw authzError(AuthzReason.InvalidAccessToken);
  return principal;
}

/** Handler parameter: the principal BusAuthGuard verified. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => verifiedPrincipalOf(context));

/** Handler parameter: the verified caller (principal, tenant, request id, trace, deadline), what services take. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => callerOf(verifiedPrincipalOf(context), callContextOf(context)));
