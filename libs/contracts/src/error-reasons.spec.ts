import { ErrorReasons, type ReasonDefinition } from './error-reasons.js';
import { ErrorCode, GardienError, isErrorReason } from './errors.js';

enum ProbeReason {
  QuotaExceeded = 'quota_exceeded',
  TooManyAttempts = 'too_many_attempts',
}

const PROBE_ERRORS = ErrorReasons.define<ProbeReason>('probe', {
  [ProbeReason.QuotaExceeded]: { code: ErrorCode.Forbidden, message: 'the quota of the tenant is used up' },
  [ProbeReason.TooManyAttempts]: { code: ErrorCode.RateLimited, message: 'too many attempts' },
});

test('a reason raises its code and its one message, with the reason in the envelope', () => {
  const error = PROBE_ERRORS.error(ProbeReason.QuotaExceeded);
  expect(error).toBeInstanceOf(GardienError);
  expect(error.toEnvelope()).toEqual({ code: 'FORBIDDEN', reason: 'quota_exceeded', message: 'the quota of the tenant is used up' });
});

test('details and a retry delay travel with the reason', () => {
  const error = PROBE_ERRORS.error(ProbeReason.TooManyAttempts, { details: [{ path: 'payload.email', reason: 'locked' }], retryAfterSeconds: 2.5 });
  expect(error.toEnvelope()).toEqual({
    code: 'RATE_LIMITED',
    reason: 'too_many_attempts',
    message: 'too many attempts',
    details: [{ path: 'payload.email', reason: 'locked' }],
    retryAfterSeconds: 3,
  });
});

test('a catalogue lists its reasons and their codes', () => {
  expect(PROBE_ERRORS.module).toBe('probe');
  expect(PROBE_ERRORS.reasons).toEqual(['quota_exceeded', 'too_many_attempts']);
  expect(PROBE_ERRORS.codeOf(ProbeReason.TooManyAttempts)).toBe(ErrorCode.RateLimited);
});

test('a reason that is not snake_case is refused when the catalogue is defined', () => {
  for (const bad of ['QuotaExceeded', 'quota-exceeded', 'quota__exceeded', '_quota', 'quota_', 'q', 'x'.repeat(64)]) {
    expect(isErrorReason(bad)).toBe(false);
    expect(() => ErrorReasons.define('probe', { [bad]: { code: ErrorCode.Conflict, message: 'no' } })).toThrow(/not snake_case/);
  }
  expect(isErrorReason('quota_exceeded_2')).toBe(true);
});

test('INTERNAL is the code of no reason: an internal error says nothing of why', () => {
  // @ts-expect-error the compiler refuses a reason behind INTERNAL
  const definition: ReasonDefinition = { code: ErrorCode.Internal, message: 'a bug' };
  expect(definition.code).toBe('INTERNAL');
});
