import { Controller } from '@nestjs/common';
import { AUTH_OPERATIONS, type CallContext, type ChangePasswordRequest, type Empty, type Principal } from '@gardien/contracts';
import { Caller, CurrentPrincipal, Handles, RequestPayload } from '@gardien/platform';
import { PasswordChangeService } from './password-change.service.js';

@Controller()
export class PasswordChangeMessageController {
  constructor(private readonly passwords: PasswordChangeService) {}

  @Handles(AUTH_OPERATIONS.changePassword)
  async change(@RequestPayload() request: ChangePasswordRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    await this.passwords.change(principal, request, caller);
    return {};
  }
}
