// Sessions on the bus: login and refresh are open (there is no token yet); logout and me need one.
import { Controller } from '@nestjs/common';
import { AUTH_OPERATIONS, type CallContext, type Empty, type LoginRequest, type Me, type Principal, type RefreshRequest, type TokenPair } from '@gardien/contracts';
import { Caller, CurrentPrincipal, Handles, RequestPayload } from '@gardien/platform';
import { LoginService } from './login.service.js';

@Controller()
export class LoginMessageController {
  constructor(private readonly login: LoginService) {}

  @Handles(AUTH_OPERATIONS.login)
  logIn(@RequestPayload() request: LoginRequest, @Caller() caller: CallContext): Promise<TokenPair> {
    return this.login.login(request, caller);
  }

  @Handles(AUTH_OPERATIONS.refresh)
  refresh(@RequestPayload() request: RefreshRequest, @Caller() caller: CallContext): Promise<TokenPair> {
    return this.login.refresh(request, caller.requestId);
  }

  @Handles(AUTH_OPERATIONS.logout)
  async logOut(@CurrentPrincipal() principal: Principal): Promise<Empty> {
    await this.login.logout(principal);
    return {};
  }

  @Handles(AUTH_OPERATIONS.me)
  me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    return this.login.me(principal);
  }
}
