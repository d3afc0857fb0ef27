// Names of the NATS headers every message carries. They hold ids and credentials, never personal data.
export const HEADER_AUTHORIZATION = 'Authorization';
export const HEADER_TRACEPARENT = 'traceparent';
export const HEADER_TRACESTATE = 'tracestate';
export const HEADER_REQUEST_ID = 'Gardien-Request-Id';
/**
 * How many milliseconds the caller will still wait for the answer (a relative budget, as gRPC's
 * grpc-timeout, so that the clocks of two hosts need not agree). Set by BusClient on every request.
 */
export const HEADER_TIMEOUT = 'Gardien-Timeout-Ms';
/** The id of a streamed reply, or of a cancellable call answered once (a fresh UUID per call): how its caller cancels it. */
export const HEADER_STREAM_ID = 'Gardien-Stream-Id';
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
  /**
   * When the caller stops waiting (epoch ms, by this process's clock): read on receipt from the
   * caller's timeout header, so that work still queued past it can be abandoned.
   */
  deadline?: number;
}

/** Budgets are whole milliseconds, at most 10 minutes (the longest a bus request may wait). */
const TIMEOUT_BUDGET_PATTERN = /^[1-9][0-9]{0,5}$/;
const MAX_TIMEOUT_BUDGET_MS = 600_000;

/** A timeout header's budget in ms, or undefined when it is absent or not one. */
export function timeoutBudgetOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || !TIMEOUT_BUDGET_PATTERN.test(value)) return undefined;
  const budget = Number(value);
  return budget <= MAX_TIMEOUT_BUDGET_MS ? budget : undefined;
}

/**
 * The budget to announce for a request that waits `timeoutMs`: no more than what is left of the
 * context's own deadline when it has one (a call made on behalf of a caller cannot outwait it).
 */
export function remainingBudgetMs(timeoutMs: number, deadline: number | undefined, now = Date.now()): number {
  const left = deadline === undefined ? timeoutMs : Math.min(timeoutMs, deadline - now);
  return Math.max(1, Math.floor(left));
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
