// The error envelope that crosses the bus, and the one error class that carries it.
// Codes, not classes, cross process boundaries; each edge maps codes exhaustively.
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthenticated = 'UNAUTHENTICATED',
  /** The password was right; the account needs a TOTP code as well (problem type .../mfa-required). */
  MfaRequired = 'MFA_REQUIRED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  /** The data existed and was erased (crypto-shredded): it will never be readable again. */
  Gone = 'GONE',
  Conflict = 'CONFLICT',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  RateLimited = 'RATE_LIMITED',
  Timeout = 'TIMEOUT',
  Unavailable = 'UNAVAILABLE',
  Internal = 'INTERNAL',
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

export interface ErrorDetail {
  /** Where the problem is (a JSON path such as "body.email"), never the offending value. */
  path?: string;
  /** Machine-readable reason, e.g. "too_big" or "unrecognized_keys". */
  reason: string;
}

export interface ErrorEnvelope {
  code: ErrorCode;
  /**
   * The domain reason behind the transport code (`quota_exceeded`, `invalid_credentials`), from the
   * errors file of the module that raised it: what clients branch on. Absent for generic errors.
   */
  reason?: string;
  message: string;
  details?: ErrorDetail[];
  /** When to try again (RATE_LIMITED, UNAVAILABLE): sent as Retry-After by the edge. */
  retryAfterSeconds?: number;
}

/** What an error may carry beyond its code, message and details. */
export interface ErrorExtras {
  reason?: string;
  retryAfterSeconds?: number;
}

/** snake_case: words of lower-case letters and digits joined by single underscores. */
const REASON_FORMAT = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const MAX_REASON_LENGTH = 63;

/** A reason as it may cross a boundary: our own snake_case names only, never text from input. */
export function isErrorReason(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 2 && value.length <= MAX_REASON_LENGTH && REASON_FORMAT.test(value);
}

/**
 * An error with a code that may cross the bus. Messages must be written by us, never built
 * from input values, so that no personal data travels with them.
 */
export class GardienError extends Error {
  readonly reason: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    extras: ErrorExtras = {},
  ) {
    super(message);
    this.name = 'GardienError';
    // An internal error is a bug: it says nothing of why, whatever a service sent.
    this.reason = code !== ErrorCode.Internal && isErrorReason(extras.reason) ? extras.reason : undefined;
    this.retryAfterSeconds = validRetryAfter(extras.retryAfterSeconds);
  }

  toEnvelope(): ErrorEnvelope {
    return {
      code: this.code,
      ...(this.reason ? { reason: this.reason } : {}),
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
    };
  }

  static fromEnvelope(envelope: ErrorEnvelope): GardienError {
    return new GardienError(envelope.code, envelope.message, envelope.details, {
      ...(envelope.reason !== undefined ? { reason: envelope.reason } : {}),
      ...(envelope.retryAfterSeconds !== undefined ? { retryAfterSeconds: envelope.retryAfterSeconds } : {}),
    });
  }
}

/** Whole seconds, at least 1, at most a day; anything else is dropped rather than passed on. */
function validRetryAfter(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  return Math.min(Math.ceil(value), 86_400);
}

export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.code === 'string' && KNOWN_CODES.has(candidate.code) && typeof candidate.message === 'string';
}

/** Turns anything thrown into an envelope that is safe to send: unknown errors say nothing about themselves. */
export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  if (error instanceof GardienError) return error.toEnvelope();
  if (isErrorEnvelope(error)) return GardienError.fromEnvelope(error).toEnvelope();
  return { code: ErrorCode.Internal, message: 'internal error' };
}
