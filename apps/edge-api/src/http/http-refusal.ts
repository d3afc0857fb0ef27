// Refusals of an HTTP request's form rather than its content: raised by Node's HTTP parser, by
// Fastify's router or by the content-type parsers, before any route. Each keeps the HTTP status
// that says what is wrong (414, 415, 431...) and is answered as a problem like every other error.
import type { ErrorCode, ErrorDetail } from '@gardien/contracts';
import { EDGE_ERRORS, EdgeReason } from '../edge.errors.js';

export interface HttpRefusalAnswer {
  status: number;
  code: ErrorCode;
  reason: EdgeReason;
  title: string;
  errors?: ErrorDetail[];
}

/** The reason's code, and its message as the problem's title. */
function refusal(status: number, reason: EdgeReason, errors: ErrorDetail[]): HttpRefusalAnswer {
  return { status, code: EDGE_ERRORS.codeOf(reason), reason, title: EDGE_ERRORS.messageOf(reason), errors };
}

export const HTTP_REFUSALS = {
  malformedRequest: refusal(400, EdgeReason.MalformedRequest, [{ reason: 'malformed_request' }]),
  requestTimeout: refusal(408, EdgeReason.RequestTimeout, [{ reason: 'request_timeout' }]),
  headersTooLarge: refusal(431, EdgeReason.HeadersTooLarge, [{ path: 'headers', reason: 'too_large' }]),
  invalidPathEncoding: refusal(400, EdgeReason.InvalidPathEncoding, [{ path: 'path', reason: 'invalid_encoding' }]),
  pathTooLong: refusal(414, EdgeReason.PathTooLong, [{ path: 'path', reason: 'too_long' }]),
  notAcceptable: refusal(406, EdgeReason.NotAcceptable, [{ path: 'headers.accept', reason: 'not_acceptable' }]),
  unsupportedMediaType: refusal(415, EdgeReason.UnsupportedMediaType, [{ path: 'headers.content-type', reason: 'unsupported_media_type' }]),
} as const satisfies Record<string, HttpRefusalAnswer>;

export type HttpRefusalKind = keyof typeof HTTP_REFUSALS;

/** Thrown by the edge's own parsers for a refusal of this kind. */
export class HttpRefusal extends Error {
  constructor(readonly kind: HttpRefusalKind) {
    super(HTTP_REFUSALS[kind].title);
    this.name = 'HttpRefusal';
  }
}

/** Fastify's errors that are refusals of the request's form, by their code. */
const FASTIFY_REFUSALS: Readonly<Record<string, HttpRefusalKind>> = {
  FST_ERR_BAD_URL: 'invalidPathEncoding',
  FST_ERR_MAX_PARAM_LENGTH: 'pathTooLong',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupportedMediaType',
};

function fastifyCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The refusal `error` is, if any; Nest hands Fastify's errors over wrapped in an HttpException (as its cause). */
export function httpRefusalOf(error: unknown): HttpRefusalAnswer | undefined {
  if (error instanceof HttpRefusal) return HTTP_REFUSALS[error.kind];
  const code = fastifyCodeOf(error) ?? fastifyCodeOf((error as { cause?: unknown } | null)?.cause);
  const kind = code !== undefined ? FASTIFY_REFUSALS[code] : undefined;
  return kind ? HTTP_REFUSALS[kind] : undefined;
}
