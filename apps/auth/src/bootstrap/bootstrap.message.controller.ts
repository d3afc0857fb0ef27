import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_SUBJECTS, BootstrapRequest, type BootstrapResult, type CallContext } from '@gardien/contracts';
import { Caller, ZodPayloadPipe } from '@gardien/platform';
import { BootstrapService } from './bootstrap.service.js';

/**
 * No token: the platform has no account yet. What protects this subject is the bus: only the CLI's
 * NATS user may publish it (libs/contracts bus permissions), the edge's user is denied, and a
 * super-admin can exist only once.
 */
@Controller()
export class BootstrapMessageController {
  constructor(private readonly bootstrap: BootstrapService) {}

  @MessagePattern(AUTH_SUBJECTS.bootstrap)
  run(@Payload(new ZodPayloadPipe(BootstrapRequest)) request: BootstrapRequest, @Caller() caller: CallContext): Promise<BootstrapResult> {
    return this.bootstrap.bootstrap(request, caller.requestId);
  }
}
