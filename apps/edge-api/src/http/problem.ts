// Errors leave the edge as application/problem+json (RFC 9457): a type per error code, the
// HTTP status, a title written by us, and the request id. Never a stack, never an input value.
import { ErrorCode, type ErrorDetail } from '@gardien/contracts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = '/problems/';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  request_id: string;
  code: ErrorCode;
  errors?: ErrorDetail[];
}

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
      return 400;
    case ErrorCode.Unauthenticated:
    case ErrorCode.MfaRequired:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.Conflict:
      return 409;
    case ErrorCode.Gone:
      return 410;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.Timeout:
      return 504;
    case ErrorCode.Unavailable:
      return 503;
    case ErrorCode.Internal:
      return 500;
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unmapped error code ${String(value)}`);
}

/** `status` is the code's own unless the refusal is of the request's form (414, 415, 431...). */
export function problemOf(code: ErrorCode, title: string, requestId: string, errors?: readonly ErrorDetail[], status = statusOf(code)): ProblemDocument {
  return {
    type: `${PROBLEM_TYPE_BASE}${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    request_id: requestId,
    code,
    ...(errors && errors.length > 0 ? { errors: [...errors] } : {}),
  };
}
