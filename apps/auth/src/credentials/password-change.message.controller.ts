import { Controller } from '@nestjs/common';
import { AUTH_OPERATIONS, type Caller, type ChangePasswordRequest, type Empty } from '@gardien/contracts';
import { CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { PasswordChangeService } from './password-change.service.js';

@Controller()
export class PasswordChangeMessageController {
  constructor(private readonly passwords: PasswordChangeService) {}

  @Handles(AUTH_OPERATIONS.changePassword)
  async change(@RequestPayload() request: ChangePasswordRequest, @CurrentCaller() caller: Caller): Promise<Empty> {
    await this.passwords.change(caller, request);
    return {};
  }
}
