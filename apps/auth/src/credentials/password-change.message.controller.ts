import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_SUBJECTS, ChangePasswordRequest, type CallContext, type Empty, type Principal } from '@gardien/contracts';
import { BusAuthGuard, Caller, CurrentPrincipal, ZodPayloadPipe } from '@gardien/platform';
import { PasswordChangeService } from './password-change.service.js';

@Controller()
export class PasswordChangeMessageController {
  constructor(private readonly passwords: PasswordChangeService) {}

  @UseGuards(BusAuthGuard)
  @MessagePattern(AUTH_SUBJECTS.changePassword)
  async change(@Payload(new ZodPayloadPipe(ChangePasswordRequest)) request: ChangePasswordRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    await this.passwords.change(principal, request, caller);
    return {};
  }
}
