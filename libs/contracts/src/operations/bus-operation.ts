// A bus operation, defined once: which service answers it, its subject, the schemas of its request
// and reply, how long a caller waits, whether its reply streams, whether its caller may stop the
// work behind it, whether it needs the caller's token, and who may publish it. Callers
// (BusClient.call), handlers (libs/platform's @Handles) and the edge's rows all take this object,
// so they cannot disagree on any of it.
import type { z } from 'zod';
import type { BusService, BusUser } from '../services.js';
import { subjectOf } from '../subjects.js';

/**
 * Who may publish the request: `any` process of the platform (each callee still verifies the
 * token), or only the bus users listed (the generated nats-server configuration denies it to every
 * other): the edge alone for requests carrying a client's address, which per-source throttling
 * trusts; the operator command line alone for the bootstrap; a service alone for its own tokens.
 */
export type Publishers = 'any' | readonly BusUser[];

export interface BusOperationSpec<Req extends z.ZodType, Rep extends z.ZodType> {
  service: BusService;
  /** `users.roles.set`: the subject is gardien.v1.<service>.<action>. */
  action: string;
  request: Req;
  reply: Rep;
  /** Whether the handler requires a verified access token (every operation but the few that create one). */
  authenticated: boolean;
  /** How long a caller waits for the reply by default; the client's default when absent. */
  timeoutMs?: number;
  /** The reply is a stream of messages (each validated by `reply`), ended by the handler. */
  streaming?: boolean;
  /** For a streamed reply: how long it may run in all before the service ends it (default 10 minutes). */
  maxStreamMs?: number;
  /**
   * For an answer given once: a caller that goes away before it may have the handler's work
   * stopped (BusClient.call's `signal` sends the service's `streams.cancel`, as a stream's consumer
   * does), its handler returning an Observable whose teardown stops that work. A streamed reply
   * always may.
   */
  cancellable?: boolean;
  /**
   * Delivered to every replica of the service, not to one of its queue group: for a message that
   * concerns work only one replica holds and the sender cannot tell which (a cancel).
   */
  everyReplica?: boolean;
  publishers?: Publishers;
}

export interface BusOperation<Req extends z.ZodType = z.ZodType, Rep extends z.ZodType = z.ZodType> {
  readonly service: BusService;
  readonly action: string;
  readonly subject: string;
  readonly request: Req;
  readonly reply: Rep;
  readonly authenticated: boolean;
  readonly timeoutMs: number | undefined;
  readonly streaming: boolean;
  /** How long a streamed reply may run in all (undefined for an operation that answers once). */
  readonly maxStreamMs: number | undefined;
  /** Its caller may stop the handler's work before the end: every streamed reply, and the answers given once that say so. */
  readonly cancellable: boolean;
  /** Answered by every replica of the service (each subscribes in a queue group of its own), not by one. */
  readonly everyReplica: boolean;
  readonly publishers: Publishers;
}

export type RequestOf<O extends BusOperation> = z.input<O['request']>;
export type ReplyOf<O extends BusOperation> = z.output<O['reply']>;

/** Request timeouts are bounded: a caller never waits longer than two minutes on the bus. */
export const MAX_BUS_TIMEOUT_MS = 120_000;

/** A streamed reply ends after 10 minutes unless its operation says otherwise, and never runs past an hour. */
export const DEFAULT_MAX_STREAM_MS = 10 * 60_000;
export const MAX_STREAM_MS = 60 * 60_000;

export function busOperation<Req extends z.ZodType, Rep extends z.ZodType>(spec: BusOperationSpec<Req, Rep>): BusOperation<Req, Rep> {
  if (spec.timeoutMs !== undefined && !(Number.isInteger(spec.timeoutMs) && spec.timeoutMs > 0 && spec.timeoutMs <= MAX_BUS_TIMEOUT_MS)) {
    throw new Error(`bus operation ${spec.service}.${spec.action}: timeout must be a whole number of ms up to ${MAX_BUS_TIMEOUT_MS}`);
  }
  if (spec.maxStreamMs !== undefined && !(spec.streaming && Number.isInteger(spec.maxStreamMs) && spec.maxStreamMs > 0 && spec.maxStreamMs <= MAX_STREAM_MS)) {
    throw new Error(`bus operation ${spec.service}.${spec.action}: maxStreamMs is for streamed replies, a whole number of ms up to ${MAX_STREAM_MS}`);
  }
  if (spec.cancellable !== undefined && spec.streaming) {
    throw new Error(`bus operation ${spec.service}.${spec.action}: a streamed reply is always cancellable; cancellable is for answers given once`);
  }
  return Object.freeze({
    service: spec.service,
    action: spec.action,
    subject: subjectOf(spec.service, spec.action),
    request: spec.request,
    reply: spec.reply,
    authenticated: spec.authenticated,
    timeoutMs: spec.timeoutMs,
    streaming: spec.streaming ?? false,
    maxStreamMs: spec.streaming ? (spec.maxStreamMs ?? DEFAULT_MAX_STREAM_MS) : undefined,
    cancellable: (spec.streaming ?? false) || (spec.cancellable ?? false),
    everyReplica: spec.everyReplica ?? false,
    publishers: spec.publishers ?? 'any',
  });
}

/** The operations of a catalogue (an object of definitions), as a list. */
export function operationsOf(catalogue: Readonly<Record<string, BusOperation>>): BusOperation[] {
  return Object.values(catalogue);
}
