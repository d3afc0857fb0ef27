// Errors on the OpenAI-compatible surface (/v1) take OpenAI's shape, so that existing SDKs read
// them as they read OpenAI's own: `{ "error": { "message", "type", "param", "code" } }` with the
// HTTP status of the problem document the rest of the edge would send (but for a prompt too long
// for the model's context, a 400 as OpenAI answers it, which SDKs and frameworks branch on). Same
// rules as problem+json: a message of ours (the edge's reason's, else the code's title), never an
// input value, never a stack.
import { type ErrorCode, type ErrorDetail } from '@gardien/contracts';
import { edgeMessageOf } from '../edge.errors.js';
import { statusOf } from '../http/problem.js';

export interface OpenAiError {
  error: {
    message: string;
    type: string;
    /** The request field at fault, when there is one. */
    param: string | null;
    /** Our domain reason when there is one, else our error code in lower case. */
    code: string;
    /** Our request id, for support: the same as the X-Request-Id of the answer. */
    request_id: string;
  };
}

/** OpenAI's error types, by HTTP status. */
function typeOf(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 409:
      return 'conflict_error';
    case 413:
      return 'invalid_request_error';
    case 429:
      return 'rate_limit_error';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request_error';
  }
}

/** Reasons whose status on this surface is OpenAI's rather than the code's. */
const OPENAI_STATUS_OF_REASON: ReadonlyMap<string, number> = new Map([['context_length_exceeded', 400]]);

/** `body.messages.0.content` -> `messages`: the top-level field, which is what OpenAI's `param` names. */
function paramOf(errors: readonly ErrorDetail[] | undefined): string | null {
  const path = errors?.find((detail) => detail.path)?.path;
  if (!path) return null;
  const [, field] = path.split('.');
  return field && field !== '*' ? field : null;
}

export function openAiErrorOf(input: {
  code: ErrorCode;
  reason?: string | undefined;
  title: string;
  requestId: string;
  errors?: readonly ErrorDetail[] | undefined;
  /** The code's own unless the refusal is of the request's form (414, 415, 431...). */
  status?: number | undefined;
}): { status: number; body: OpenAiError } {
  const status = (input.reason !== undefined ? OPENAI_STATUS_OF_REASON.get(input.reason) : undefined) ?? input.status ?? statusOf(input.code);
  return {
    status,
    body: {
      error: {
        message: edgeMessageOf(input.reason) ?? input.title,
        type: typeOf(status),
        param: paramOf(input.errors),
        code: input.reason ?? input.code.toLowerCase(),
        request_id: input.requestId,
      },
    },
  };
}

/** The prefix of the OpenAI-compatible surface: errors under it take OpenAI's shape. */
export const OPENAI_PREFIX = '/v1/';

export function isOpenAiPath(url: string | undefined): boolean {
  return url !== undefined && (url === '/v1' || url.startsWith(OPENAI_PREFIX));
}
