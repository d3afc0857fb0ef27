// Maps whatever was thrown during an HTTP request to an error code, an HTTP status and a title of our own.
import { HttpException } from '@nestjs/common';
import { ErrorCode, GardienError, type ErrorDetail } from '@gardien/contracts';
import { httpRefusalOf } from './http-refusal.js';
import { statusOf } from './problem.js';

export interface MappedError {
  code: ErrorCode;
  /** The domain reason the service gave, if any: what clients branch on. */
  reason?: string;
  title: string;
  /** The code's status, or the one of a refusal of the request's form (414, 415, 431...). */
  status: number;
  errors?: ErrorDetail[];
  /** The delay a service asked for (RATE_LIMITED from the login throttle, say). */
  retryAfterSeconds?: number;
}

const TITLES: Record<ErrorCode, string> = {
  [ErrorCode.ValidationFailed]: 'The request is not valid',
  [ErrorCode.Unauthenticated]: 'Authentication is required',
  [ErrorCode.MfaRequired]: 'A one-time code (TOTP) is required',
  [ErrorCode.Forbidden]: 'This action is not allowed',
  [ErrorCode.NotFound]: 'Not found',
  [ErrorCode.Conflict]: 'Conflict with the current state',
  [ErrorCode.Gone]: 'The data was erased',
  [ErrorCode.PayloadTooLarge]: 'The request body is too large',
  [ErrorCode.RateLimited]: 'Too many requests',
  [ErrorCode.Timeout]: 'A service did not answer in time',
  [ErrorCode.Unavailable]: 'A service is not available',
  [ErrorCode.Internal]: 'Internal error',
};

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  410: ErrorCode.Gone,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.ValidationFailed,
  429: ErrorCode.RateLimited,
  503: ErrorCode.Unavailable,
  504: ErrorCode.Timeout,
};

/** The title of a problem of this code: ours, whatever the message of the error. */
export function titleOf(code: ErrorCode): string {
  return TITLES[code];
}

export function mapHttpError(error: unknown): MappedError {
  if (error instanceof GardienError) {
    return {
      code: error.code,
      ...(error.reason ? { reason: error.reason } : {}),
      title: TITLES[error.code],
      status: statusOf(error.code),
      ...(error.details ? { errors: error.details } : {}),
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    };
  }
  const refusal = httpRefusalOf(error);
  if (refusal) return { ...refusal, ...(refusal.errors ? { errors: [...refusal.errors] } : {}) };
  const status = statusFrom(error);
  const code = (status !== undefined ? HTTP_STATUS_CODES[status] : undefined) ?? ErrorCode.Internal;
  return { code, title: TITLES[code], status: statusOf(code) };
}

/** HttpException (Nest) and errors with a statusCode (Fastify: body parsing, size limit). */
function statusFrom(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : undefined;
}
