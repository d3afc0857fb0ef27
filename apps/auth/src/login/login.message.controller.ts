// Sessions on the bus: login and refresh are open (there is no token yet: they get the request's
// scope, no caller); logout and me need a verified caller.
import { Controller } from '@nestjs/common';
import { AUTH_OPERATIONS, type CallScope, type Caller, type Empty, type LoginRequest, type Me, type RefreshRequest, type TokenPair } from '@gardien/contracts';
import { CurrentCallScope, CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { LoginService } from './login.service.js';

@Controller()
export class LoginMessageController {
  constructor(private readonly login: LoginService) {}

  @Handles(AUTH_OPERATIONS.login)
  logIn(@RequestPayload() request: LoginRequest, @CurrentCallScope() scope: CallScope): Promise<TokenPair> {
    return this.login.login(request, scope);
  }

  @Handles(AUTH_OPERATIONS.refresh)
  refresh(@RequestPayload() request: RefreshRequest, @CurrentCallScope() scope: CallScope): Promise<TokenPair> {
    return this.login.refresh(request, scope);
  }

  @Handles(AUTH_OPERATIONS.logout)
  async logOut(@CurrentCaller() caller: Caller): Promise<Empty> {
    await this.login.logout(caller);
    return {};
  }

  @Handles(AUTH_OPERATIONS.me)
  me(@CurrentCaller() caller: Caller): Promise<Me> {
    return this.login.me(caller);
  }
}
