// What a bus handler's error becomes on the wire. Key-management errors get codes callers can act
// on (an erased subject is GONE, an unreachable KMS is UNAVAILABLE); integrity failures stay
// INTERNAL (and are logged with the record id by the filter).
import { ErrorCode, toErrorEnvelope, type ErrorEnvelope } from '@gardien/contracts';
import { CryptoErrorCode, isCryptoError } from '@gardien/crypto';

export function errorEnvelopeOf(error: unknown): ErrorEnvelope {
  if (!isCryptoError(error)) return toErrorEnvelope(error);
  switch (error.code) {
    case CryptoErrorCode.SubjectErased:
      return { code: ErrorCode.Gone, message: 'the data of this subject was erased' };
    case CryptoErrorCode.KmsUnavailable:
    case CryptoErrorCode.KmsSealed:
      return { code: ErrorCode.Unavailable, message: 'key management is not available' };
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
