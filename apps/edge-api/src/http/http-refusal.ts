// Refusals of an HTTP request's form rather than its content: raised by Node's HTTP parser, by
// Fastify's router or by the content-type parsers, before any route. Each keeps the HTTP status
// that says what is wrong (414, 415, 431...) and is answered as a problem like every other error.
import { ErrorCode, type ErrorDetail } from '@gardien/contracts';

export interface HttpRefusalAnswer {
  status: number;
  code: ErrorCode;
  title: string;
  errors?: ErrorDetail[];
}

export const HTTP_REFUSALS = {
  malformedRequest: { status: 400, code: ErrorCode.ValidationFailed, title: 'The request is not valid HTTP', errors: [{ reason: 'malformed_request' }] },
  requestTimeout: { status: 408, code: ErrorCode.ValidationFailed, title: 'The request was not received in time', errors: [{ reason: 'request_timeout' }] },
  headersTooLarge: {
    status: 431,
    code: ErrorCode.ValidationFailed,
    title: 'The request headers are too large',
    errors: [{ path: 'headers', reason: 'too_large' }],
  },
  invalidPathEncoding: {
    status: 400,
    code: ErrorCode.ValidationFailed,
    title: 'The request path is not valid',
    errors: [{ path: 'path', reason: 'invalid_encoding' }],
  },
  pathTooLong: { status: 414, code: ErrorCode.ValidationFailed, title: 'The request path is too long', errors: [{ path: 'path', reason: 'too_long' }] },
  notAcceptable: {
    status: 406,
    code: ErrorCode.ValidationFailed,
    title: 'No media type the client accepts can be answered',
    errors: [{ path: 'headers.accept', reason: 'not_acceptable' }],
  },
  unsupportedMediaType: {
    status: 415,
    code: ErrorCode.ValidationFailed,
    title: 'This media type is not accepted',
    errors: [{ path: 'headers.content-type', reason: 'unsupported_media_type' }],
  },
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
