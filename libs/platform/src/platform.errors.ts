// The reasons libs/platform gives the errors of libs/crypto that a caller can act on: an erased
// subject (never readable again) and key management that is not there (try later). Integrity and
// configuration failures stay INTERNAL, with no reason: they are bugs or attacks, logged here.
import { ErrorCode, ErrorReasons, type GardienError, type ReasonExtras } from '@gardien/contracts';

export enum PlatformReason {
  /** The subject's data key was destroyed (crypto-shredding): its data can never be read again. */
  SubjectErased = 'subject_erased',
  /** The KMS cannot be reached, did not answer in time, or is sealed; nothing was written. */
  KeyManagementUnavailable = 'key_management_unavailable',
}

export const PLATFORM_ERRORS = ErrorReasons.define<PlatformReason>('platform', {
  [PlatformReason.SubjectErased]: { code: ErrorCode.Gone, message: 'the data of this subject was erased' },
  [PlatformReason.KeyManagementUnavailable]: { code: ErrorCode.Unavailable, message: 'key management is not available' },
});

export function platformError(reason: PlatformReason, extras?: ReasonExtras): GardienError {
  return PLATFORM_ERRORS.error(reason, extras);
}
