// Every error a bus handler throws leaves as an error envelope {code, message, details?}.
// Unknown errors become INTERNAL without their message; they are logged by type and stack frames.
import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { ErrorCode, type ErrorEnvelope } from '@gardien/contracts';
import { safeError, type Logger } from '@gardien/observability';
import { throwError, type Observable } from 'rxjs';
import { errorEnvelopeOf } from './error-envelope.js';

@Catch()
export class BusExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const envelope: ErrorEnvelope = errorEnvelopeOf(exception);
    const subject = host.switchToRpc().getContext<NatsContext>()?.getSubject?.();
    if (envelope.code === ErrorCode.Internal) {
      this.logger.error({ subject, err: safeError(exception) }, 'bus handler failed');
    }
    return throwError(() => envelope);
  }
}
