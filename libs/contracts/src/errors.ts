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
  message: string;
  details?: ErrorDetail[];
}

/**
 * An error with a code that may cross the bus. Messages must be written by us, never built
 * from input values, so that no personal data travels with them.
 */
export class GardienError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'GardienError';
  }

  toEnvelope(): ErrorEnvelope {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }

  static fromEnvelope(envelope: ErrorEnvelope): GardienError {
    return new GardienError(envelope.code, envelope.message, envelope.details);
  }
}

export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.code === 'string' && KNOWN_CODES.has(candidate.code) && typeof candidate.message === 'string';
}

/** Turns anything thrown into an envelope that is safe to send: unknown errors say nothing about themselves. */
export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  if (error instanceof GardienError) return error.toEnvelope();
  if (isErrorEnvelope(error)) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  return { code: ErrorCode.Internal, message: 'internal error' };
}
