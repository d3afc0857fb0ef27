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
  /** The domain reason behind the code, when the service gave one; `type` then names it. */
  reason?: string;
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

/** `/problems/<reason>` when there is a reason (`/problems/quota-exceeded`), else `/problems/<code>`. */
export function problemTypeOf(code: ErrorCode, reason?: string): string {
  return `${PROBLEM_TYPE_BASE}${(reason ?? code).toLowerCase().replaceAll('_', '-')}`;
}

export interface ProblemInput {
  code: ErrorCode;
  title: string;
  requestId: string;
  reason?: string | undefined;
  errors?: readonly ErrorDetail[] | undefined;
  /** The code's own unless the refusal is of the request's form (414, 415, 431...). */
  status?: number | undefined;
}

export function problemOf({ code, title, requestId, reason, errors, status = statusOf(code) }: ProblemInput): ProblemDocument {
  return {
    type: problemTypeOf(code, reason),
    title,
    status,
    request_id: requestId,
    code,
    ...(reason ? { reason } : {}),
    ...(errors && errors.length > 0 ? { errors: [...errors] } : {}),
  };
}
