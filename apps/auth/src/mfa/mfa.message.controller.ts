import { Controller, UseGuards } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_SUBJECTS, ConfirmMfaRequest, EnrolMfaRequest, type CallContext, type Empty, type MfaEnrolment, type Principal } from '@gardien/contracts';
import { BusAuthGuard, Caller, CurrentPrincipal, ZodPayloadPipe } from '@gardien/platform';
import { MfaEnrolmentService } from './mfa-enrolment.service.js';

@Controller()
@UseGuards(BusAuthGuard)
export class MfaMessageController {
  constructor(private readonly enrolment: MfaEnrolmentService) {}

  @MessagePattern(AUTH_SUBJECTS.enrolMfa)
  enrol(@Payload(new ZodPayloadPipe(EnrolMfaRequest)) request: EnrolMfaRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<MfaEnrolment> {
    return this.enrolment.enrol(principal, request, caller);
  }

  @MessagePattern(AUTH_SUBJECTS.confirmMfa)
  async confirm(@Payload(new ZodPayloadPipe(ConfirmMfaRequest)) request: ConfirmMfaRequest, @CurrentPrincipal() principal: Principal, @Caller() caller: CallContext): Promise<Empty> {
    await this.enrolment.confirm(principal, request.totp, caller.requestId);
    return {};
  }
}
