import { Controller } from '@nestjs/common';
import { AUTH_OPERATIONS, type Caller, type ConfirmMfaRequest, type EnrolMfaRequest, type Empty, type MfaEnrolment } from '@gardien/contracts';
import { CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { MfaEnrolmentService } from './mfa-enrolment.service.js';

@Controller()
export class MfaMessageController {
  constructor(private readonly enrolment: MfaEnrolmentService) {}

  @Handles(AUTH_OPERATIONS.enrolMfa)
  enrol(@RequestPayload() request: EnrolMfaRequest, @CurrentCaller() caller: Caller): Promise<MfaEnrolment> {
    return this.enrolment.enrol(caller, request);
  }

  @Handles(AUTH_OPERATIONS.confirmMfa)
  async confirm(@RequestPayload() request: ConfirmMfaRequest, @CurrentCaller() caller: Caller): Promise<Empty> {
    await this.enrolment.confirm(caller, request.totp);
    return {};
  }
}
