// Sessions on the bus: login and refresh are open (there is no token yet); logout and me need one.
import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_SUBJECTS, Empty, LoginRequest, RefreshRequest, type CallContext, type Me, type Principal, type TokenPair } from '@gardien/contracts';
import { BusAuthGuard, Caller, CurrentPrincipal, ZodPayloadPipe } from '@gardien/platform';
import { LoginService } from './login.service.js';

@Controller()
export class LoginMessageController {
  constructor(private readonly login: LoginService) {}

  @MessagePattern(AUTH_SUBJECTS.login)
  logIn(@Payload(new ZodPayloadPipe(LoginRequest)) request: LoginRequest, @Caller() caller: CallContext): Promise<TokenPair> {
    return this.login.login(request, caller);
  }

  @MessagePattern(AUTH_SUBJECTS.refresh)
  refresh(@Payload(new ZodPayloadPipe(RefreshRequest)) request: RefreshRequest, @Caller() caller: CallContext): Promise<TokenPair> {
    return this.login.refresh(request, caller.requestId);
  }

  @UseGuards(BusAuthGuard)
  @MessagePattern(AUTH_SUBJECTS.logout)
  async logOut(@Payload(new ZodPayloadPipe(Empty)) _: Empty, @CurrentPrincipal() principal: Principal): Promise<Empty> {
    await this.login.logout(principal);
    return {};
  }

  @UseGuards(BusAuthGuard)
  @MessagePattern(AUTH_SUBJECTS.me)
  me(@Payload(new ZodPayloadPipe(Empty)) _: Empty, @CurrentPrincipal() principal: Principal): Promise<Me> {
    return this.login.me(principal);
  }
}
