// The edge's own refusals, before or instead of a bus call: credentials, the operation's rules the
// edge can check itself, limits, the body parser, GraphQL's bounds and the refusals of a request's
// form (each of which keeps the HTTP status that says what is wrong: see http/http-refusal.ts).
// Messages are sent on GraphQL and in problem titles only where said; never built from input.
import { ErrorCode, ErrorReasons, type GardienError, type ReasonExtras } from '@gardien/contracts';

export enum EdgeReason {
  /** No access token or API key, or one that does not verify. */
  CredentialsRequired = 'credentials_required',
  /** Both an access token and an API key: a request acts under one credential, never a choice of two. */
  CredentialsAmbiguous = 'credentials_ambiguous',
  /** A valid API key, on an operation for user sessions (API keys are for model calls). */
  ApiKeyNotAccepted = 'api_key_not_accepted',
  /** An operation of the platform, refused before any bus call to anyone but the super-admin. */
  SuperadminOnly = 'superadmin_only',
  /** The client's address used up its requests of the window (or its authentication attempts). */
  RateLimitExceeded = 'rate_limit_exceeded',
  /** The edge is closing: the request arrived on a connection still open. */
  EdgeShuttingDown = 'edge_shutting_down',
  UnknownService = 'unknown_service',
  FileNotFound = 'file_not_found',
  // The body parser's refusals (their detail names the place in the body).
  InvalidUtf8 = 'invalid_utf8',
  InvalidJson = 'invalid_json',
  /** Arrays and objects nested too deeply in a body, or fields in a GraphQL document. */
  TooDeep = 'too_deep',
  /** A string or key holding a NUL character or a lone surrogate (the detail says which). */
  UnsafeText = 'unsafe_text',
  // GraphQL's bounds, checked before anything of a document runs.
  TooManyTokens = 'too_many_tokens',
  TooManySelections = 'too_many_selections',
  TooManyRootFields = 'too_many_root_fields',
  /** One response name selected too often in one selection set (checking that they merge is quadratic). */
  RepeatedSelection = 'repeated_selection',
  IntrospectionDisabled = 'introspection_disabled',
  // Refusals of the request's form, each answered with its own HTTP status.
  MalformedRequest = 'malformed_request',
  RequestTimeout = 'request_timeout',
  HeadersTooLarge = 'headers_too_large',
  InvalidPathEncoding = 'invalid_path_encoding',
  PathTooLong = 'path_too_long',
  NotAcceptable = 'not_acceptable',
  UnsupportedMediaType = 'unsupported_media_type',
  // The OpenAI-compatible surface: what Gardien does not serve is refused, never ignored.
  /** A parameter or value that would change the answer in a way Gardien does not serve (tools, n > 1, logprobs...). */
  UnsupportedParameter = 'unsupported_parameter',
  /** Content other than text: images, audio, files, token arrays. */
  UnsupportedContent = 'unsupported_content',
  /** A tool or function message. */
  UnsupportedRole = 'unsupported_role',
  /** X-Gardien-Purpose or X-Gardien-Subject that is not a purpose id or a uuid, or is given twice. */
  InvalidGardienHeader = 'invalid_gardien_header',
}

export const EDGE_ERRORS = ErrorReasons.define<EdgeReason>('edge-api', {
  [EdgeReason.CredentialsRequired]: { code: ErrorCode.Unauthenticated, message: 'a valid access token or API key is required' },
  [EdgeReason.CredentialsAmbiguous]: { code: ErrorCode.Unauthenticated, message: 'send one credential, once: an access token or an API key, not both' },
  [EdgeReason.ApiKeyNotAccepted]: { code: ErrorCode.Unauthenticated, message: 'this operation needs a user session: API keys are for model calls' },
  [EdgeReason.SuperadminOnly]: { code: ErrorCode.Forbidden, message: 'this operation is reserved to the super-admin' },
  [EdgeReason.RateLimitExceeded]: { code: ErrorCode.RateLimited, message: 'too many requests' },
  [EdgeReason.EdgeShuttingDown]: { code: ErrorCode.Unavailable, message: 'the edge is shutting down' },
  [EdgeReason.UnknownService]: { code: ErrorCode.NotFound, message: 'no such service' },
  [EdgeReason.FileNotFound]: { code: ErrorCode.NotFound, message: 'no such file' },
  [EdgeReason.InvalidUtf8]: { code: ErrorCode.ValidationFailed, message: 'the request body is not UTF-8' },
  [EdgeReason.InvalidJson]: { code: ErrorCode.ValidationFailed, message: 'the request body is not JSON' },
  [EdgeReason.TooDeep]: { code: ErrorCode.ValidationFailed, message: 'the request nests too deeply' },
  [EdgeReason.UnsafeText]: { code: ErrorCode.ValidationFailed, message: 'the request holds text that cannot be stored' },
  [EdgeReason.TooManyTokens]: { code: ErrorCode.ValidationFailed, message: 'the document has too many tokens' },
  [EdgeReason.TooManySelections]: { code: ErrorCode.ValidationFailed, message: 'the document selects too many fields' },
  [EdgeReason.TooManyRootFields]: { code: ErrorCode.ValidationFailed, message: 'the document has too many root fields' },
  [EdgeReason.RepeatedSelection]: { code: ErrorCode.ValidationFailed, message: 'the document selects one field too many times in one place' },
  [EdgeReason.IntrospectionDisabled]: { code: ErrorCode.ValidationFailed, message: 'introspection is not available' },
  // Their messages are the titles of their problem documents.
  [EdgeReason.MalformedRequest]: { code: ErrorCode.ValidationFailed, message: 'The request is not valid HTTP' },
  [EdgeReason.RequestTimeout]: { code: ErrorCode.ValidationFailed, message: 'The request was not received in time' },
  [EdgeReason.HeadersTooLarge]: { code: ErrorCode.ValidationFailed, message: 'The request headers are too large' },
  [EdgeReason.InvalidPathEncoding]: { code: ErrorCode.ValidationFailed, message: 'The request path is not valid' },
  [EdgeReason.PathTooLong]: { code: ErrorCode.ValidationFailed, message: 'The request path is too long' },
  [EdgeReason.NotAcceptable]: { code: ErrorCode.ValidationFailed, message: 'No media type the client accepts can be answered' },
  [EdgeReason.UnsupportedMediaType]: { code: ErrorCode.ValidationFailed, message: 'This media type is not accepted' },
  [EdgeReason.UnsupportedParameter]: {
    code: ErrorCode.ValidationFailed,
    message: 'this parameter is not supported with this value: models answer one choice of text, without tools, functions, structured output, log probabilities, audio, penalties or a seed',
  },
  [EdgeReason.UnsupportedContent]: { code: ErrorCode.ValidationFailed, message: 'only text content is supported: images, audio, files and token arrays are not' },
  [EdgeReason.UnsupportedRole]: { code: ErrorCode.ValidationFailed, message: 'only system, developer, user and assistant messages are supported: tool and function messages are not' },
  [EdgeReason.InvalidGardienHeader]: { code: ErrorCode.ValidationFailed, message: 'X-Gardien-Purpose must be a purpose id and X-Gardien-Subject a uuid, each sent once' },
});

export function edgeError(reason: EdgeReason, extras?: ReasonExtras): GardienError {
  return EDGE_ERRORS.error(reason, extras);
}

const EDGE_REASONS: ReadonlySet<string> = new Set(Object.values(EdgeReason));

/** The message of one of the edge's own reasons (written here, never from input); undefined for another module's. */
export function edgeMessageOf(reason: string | undefined): string | undefined {
  return reason !== undefined && EDGE_REASONS.has(reason) ? EDGE_ERRORS.messageOf(reason as EdgeReason) : undefined;
}
