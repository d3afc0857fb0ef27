// The reasons libs/platform gives the errors of libs/crypto that a caller can act on: an erased
// subject (never readable again) and key management that is not there (try later); and those of
// streamed replies (an id already running, a stream that ran as long as it may). Integrity and
// configuration failures stay INTERNAL, with no reason: they are bugs or attacks, logged here.
import { ErrorCode, ErrorReasons, type GardienError, type ReasonExtras } from '@gardien/contracts';

export enum PlatformReason {
  /** The subject's data key was destroyed (crypto-shredding): its data can never be read again. */
  SubjectErased = 'subject_erased',
  /** The KMS cannot be reached, did not answer in time, or is sealed; nothing was written. */
  KeyManagementUnavailable = 'key_management_unavailable',
  /** A stream runs under this id already (a stream id is the caller's fresh UUID): the second is not started. */
  StreamIdInUse = 'stream_id_in_use',
  /** A streamed reply ran as long as its operation allows (maxStreamMs) and was ended by the service. */
  StreamTooLong = 'stream_too_long',
}

export const PLATFORM_ERRORS = ErrorReasons.define<PlatformReason>('platform', {
  [PlatformReason.SubjectErased]: { code: ErrorCode.Gone, message: 'the data of this subject was erased' },
  [PlatformReason.KeyManagementUnavailable]: { code: ErrorCode.Unavailable, message: 'key management is not available' },
  [PlatformReason.StreamIdInUse]: { code: ErrorCode.Conflict, message: 'a stream with this id is running' },
  [PlatformReason.StreamTooLong]: { code: ErrorCode.Timeout, message: 'the stream ran as long as it may' },
});

export function platformError(reason: PlatformReason, extras?: ReasonExtras): GardienError {
  return PLATFORM_ERRORS.error(reason, extras);
}
