// gardien.v1.<service>.streams.cancel, answered by every service: a caller that stopped reading a
// streamed reply, or stopped waiting for a cancellable answer, has the handler's work stopped. The
// token, when the message carries one, is verified here (the operation is open so that a stream
// started without a token can be stopped); a token that no longer verifies (expired while the
// call ran) still stops the call it was the token of (StreamRegistry). The answer is the same
// whatever happened: a caller cannot learn from it which ids run.
import { Controller, type Type } from '@nestjs/common';
import { TokenVerifier } from '@gardien/authz';
import { serviceOperations, type BusService, type CallContext, type CancelStreamRequest, type Principal } from '@gardien/contracts';
import { CurrentCallContext } from './call-context.decorator.js';
import { Handles, RequestPayload } from './handles.decorator.js';
import { StreamRegistry } from './stream-registry.js';

export function streamCancelMessageController(service: BusService): Type<unknown> {
  @Controller()
  class StreamCancelMessageController {
    constructor(
      private readonly streams: StreamRegistry,
      private readonly verifier: TokenVerifier,
    ) {}

    @Handles(serviceOperations(service).cancelStream)
    async cancel(@RequestPayload() request: CancelStreamRequest, @CurrentCallContext() caller: CallContext): Promise<Record<string, never>> {
      const principal: Principal | undefined = caller.token ? await this.verifier.verify(caller.token).catch(() => undefined) : undefined;
      this.streams.cancel(request.stream_id, { principal, token: caller.token });
      return {};
    }
  }
  return StreamCancelMessageController;
}
