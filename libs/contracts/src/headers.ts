// Names of the NATS headers every message carries. They hold ids and credentials, never personal data.
export const HEADER_AUTHORIZATION = 'Authorization';
export const HEADER_TRACEPARENT = 'traceparent';
export const HEADER_TRACESTATE = 'tracestate';
export const HEADER_REQUEST_ID = 'Gardien-Request-Id';
/** JetStream de-duplication id. */
export const HEADER_MSG_ID = 'Nats-Msg-Id';

/** What a caller passes along with each request: who it is and which trace and request it belongs to. */
export interface CallContext {
  /** The caller's access token, as received (without the "Bearer " prefix). */
  token?: string;
  /** W3C trace context of the caller. */
  traceparent?: string;
  tracestate?: string;
  /** Correlation id of the originating request, echoed in logs and problem documents. */
  requestId: string;
}

// A UUID or a ULID: free-form ids chosen by clients could carry a phone number or a name into logs.
const REQUEST_ID_PATTERN = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9A-HJKMNP-TV-Z]{26})$/i;
const TRACEPARENT_PATTERN = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A request id supplied by a client is kept only if it is a UUID or a ULID. */
export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}

export function isValidTraceparent(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    TRACEPARENT_PATTERN.test(value) &&
    !value.startsWith('ff') &&
    !/^[0-9a-f]{2}-0{32}-/.test(value) &&
    !/-0{16}-[0-9a-f]{2}$/.test(value)
  );
}
