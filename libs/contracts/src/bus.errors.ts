// The reasons of what goes wrong between a caller and a service, raised by the BusClient itself:
// nobody serves the subject, nobody answered in time, the bus is down, the caller gave up. A reply
// that breaks its contract or the wire format stays INTERNAL, with no reason: it is a bug or an attack.
import { ErrorCode, type GardienError } from './errors.js';
import { ErrorReasons } from './error-reasons.js';

export enum BusReason {
  /** No process serves the operation's subject (the service is down or not deployed). */
  ServiceUnavailable = 'service_unavailable',
  /** The service did not answer, or a stream sent nothing, within the operation's timeout. */
  ServiceTimeout = 'service_timeout',
  /** The connection to the bus is closed or failing. */
  BusUnavailable = 'bus_unavailable',
  /** The caller went away (its signal aborted) before the answer came. */
  CallerGone = 'caller_gone',
}

export const BUS_ERRORS = ErrorReasons.define<BusReason>('bus', {
  [BusReason.ServiceUnavailable]: { code: ErrorCode.Unavailable, message: 'the service is not available' },
  [BusReason.ServiceTimeout]: { code: ErrorCode.Timeout, message: 'the service did not answer in time' },
  [BusReason.BusUnavailable]: { code: ErrorCode.Unavailable, message: 'the bus is not available' },
  [BusReason.CallerGone]: { code: ErrorCode.Unavailable, message: 'the caller went away' },
});

export function busError(reason: BusReason): GardienError {
  return BUS_ERRORS.error(reason);
}
