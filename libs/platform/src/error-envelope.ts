// What a bus handler's error becomes on the wire. Key-management errors get reasons callers can
// act on (an erased subject is GONE, an unreachable KMS is UNAVAILABLE); integrity failures stay
// INTERNAL (and are logged with the record id by the filter). The switch is exhaustive: a new
// crypto code does not compile until it is mapped here.
import { ErrorCode, toErrorEnvelope, type ErrorEnvelope } from '@gardien/contracts';
import { CryptoErrorCode, isCryptoError } from '@gardien/crypto';
import { PlatformReason, platformError } from './platform.errors.js';

export function errorEnvelopeOf(error: unknown): ErrorEnvelope {
  if (!isCryptoError(error)) return toErrorEnvelope(error);
  switch (error.code) {
    case CryptoErrorCode.SubjectErased:
      return platformError(PlatformReason.SubjectErased).toEnvelope();
    case CryptoErrorCode.KmsUnavailable:
    case CryptoErrorCode.KmsSealed:
      return platformError(PlatformReason.KeyManagementUnavailable).toEnvelope();
    case CryptoErrorCode.DecryptionFailed:
    case CryptoErrorCode.InvalidArgument:
    case CryptoErrorCode.KeyNotFound:
    case CryptoErrorCode.KeystoreTampered:
    case CryptoErrorCode.KeyVersionRetired:
    case CryptoErrorCode.KmsRejected:
    case CryptoErrorCode.MasterKeyInvalid:
    case CryptoErrorCode.PermissionDenied:
    case CryptoErrorCode.WrongMasterKey:
      return { code: ErrorCode.Internal, message: 'internal error' };
  }
}
