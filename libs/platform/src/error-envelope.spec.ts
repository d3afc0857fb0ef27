import { ErrorCode, GardienError } from '@gardien/contracts';
import { CryptoError, CryptoErrorCode } from '@gardien/crypto';
import { errorEnvelopeOf } from './error-envelope.js';

test('an erased subject is GONE, an unreachable or sealed KMS is UNAVAILABLE', () => {
  expect(errorEnvelopeOf(new CryptoError(CryptoErrorCode.SubjectErased, 'people/r1 belongs to an erased subject'))).toEqual({
    code: ErrorCode.Gone,
    reason: 'subject_erased',
    message: 'the data of this subject was erased',
  });
  expect(errorEnvelopeOf(new CryptoError(CryptoErrorCode.KmsUnavailable, 'x'))).toMatchObject({ code: ErrorCode.Unavailable, reason: 'key_management_unavailable' });
  expect(errorEnvelopeOf(new CryptoError(CryptoErrorCode.KmsSealed, 'x'))).toMatchObject({ code: ErrorCode.Unavailable, reason: 'key_management_unavailable' });
});

test('integrity and configuration failures stay INTERNAL and say nothing more', () => {
  for (const code of [CryptoErrorCode.DecryptionFailed, CryptoErrorCode.WrongMasterKey, CryptoErrorCode.KeystoreTampered]) {
    expect(errorEnvelopeOf(new CryptoError(code, 'cannot decrypt people/r1'))).toEqual({ code: ErrorCode.Internal, message: 'internal error' });
  }
});

test('other errors keep their usual envelope', () => {
  expect(errorEnvelopeOf(new GardienError(ErrorCode.Forbidden, 'no'))).toEqual({ code: 'FORBIDDEN', message: 'no' });
});
