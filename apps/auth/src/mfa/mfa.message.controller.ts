import { Controller } from '@nestjs/common';
import { AUTH_OPERATIONS, type CallContext, type ConfirmMfaRequest, type EnrolMfaRequest, type Empty, type MfaEnrolment, type Principal } from '@gardien/contracts';
import { Caller, CurrentPrincipal, Handles, RequestPayload } from '@gardien/platform';
import { MfaEnrolmentService } from './mfa-enrolment.service.js';

@Controller()
export class MfaMessageController {
  constructor(private readonly enrolment: MfaEnrolmentService) {}

  @Handles(AUTH_OPERATIONS.enrolMfa)
  enrol(@RequestPayload() request: EnrolMfaRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<MfaEnrolment> {
    return this.enrolment.enrol(principal, request, caller);
  }

  @Handles(AUTH_OPERATIONS.confirmMfa)
  async confirm(@RequestPayload() request: ConfirmMfaRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    await this.enrolment.confirm(principal, request.totp, caller.requestId);
    return {};
  }
}
