// The packet format of @nestjs/microservices over NATS, spoken by BusClient so that callers
// need not load Nest. Requests: {pattern, data, id}; replies: {id, response | err, isDisposed}.
import { randomUUID } from 'node:crypto';
import { ErrorCode, GardienError, isErrorEnvelope, type ErrorEnvelope } from './errors.js';

export interface RequestPacket<T> {
  pattern: string;
  data: T;
  id: string;
}

export interface ReplyPacket {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/** `id` names the request: its replies carry it back, and a reply without it is not one of them. */
export function encodeRequest<T>(subject: string, data: T, id: string = randomUUID()): string {
  const packet: RequestPacket<T> = { pattern: subject, data, id };
  return JSON.stringify(packet);
}

/** The packet of a raw reply, or undefined if it is not one (not JSON, not an object). */
function parseReplyPacket(raw: string): ReplyPacket | undefined {
  try {
    const packet = JSON.parse(raw) as unknown;
    return typeof packet === 'object' && packet !== null ? (packet as ReplyPacket) : undefined;
  } catch {
    return undefined;
  }
}

/** The packet of a reply to the request `id`, parsed once; undefined for anything else (Nest's server writes the request's id into every reply). */
export function replyPacketFor(raw: string, id: string): ReplyPacket | undefined {
  const packet = parseReplyPacket(raw);
  return packet?.id === id ? packet : undefined;
}

/** The request packet of a raw message, or undefined if it is not one (no id, no pattern). */
export function decodeRequest(raw: string): RequestPacket<unknown> | undefined {
  try {
    const packet = JSON.parse(raw) as Partial<RequestPacket<unknown>>;
    return typeof packet.id === 'string' && typeof packet.pattern === 'string' ? { pattern: packet.pattern, data: packet.data, id: packet.id } : undefined;
  } catch {
    return undefined;
  }
}

/** A reply packet as Nest writes one: the response, or an error envelope. */
export function encodeReply(id: string, outcome: { response: unknown } | { err: ErrorEnvelope }): string {
  return JSON.stringify({ id, ...outcome, isDisposed: true });
}

/** Returns the response of a reply, or throws the GardienError its error envelope describes. */
export function decodeReply(raw: string): unknown {
  const packet = parseReplyPacket(raw);
  if (!packet) throw malformed();
  return responseOf(packet);
}

/** The response of a reply packet, or the GardienError its error envelope describes, thrown. */
export function responseOf(packet: ReplyPacket): unknown {
  if (packet.err !== undefined && packet.err !== null) {
    throw GardienError.fromEnvelope(asEnvelope(packet.err));
  }
  return packet.response;
}

/** One message of a streamed reply: a reply, or the error that ends it; `last` on the one that ends it. */
export type StreamPacket = { kind: 'reply'; response: unknown; last: boolean } | { kind: 'error'; error: GardienError } | { kind: 'end' };

/** A message of a streamed reply, as Nest sends them (each emission, then `isDisposed` on or after the last). */
export function decodeStreamPacket(raw: string): StreamPacket {
  const packet = parseReplyPacket(raw);
  return packet ? streamPacketOf(packet) : { kind: 'error', error: malformed() };
}

export function streamPacketOf(packet: ReplyPacket): StreamPacket {
  if (packet.err !== undefined && packet.err !== null) return { kind: 'error', error: GardienError.fromEnvelope(asEnvelope(packet.err)) };
  if (packet.response !== undefined) return { kind: 'reply', response: packet.response, last: packet.isDisposed === true };
  return packet.isDisposed === true ? { kind: 'end' } : { kind: 'error', error: malformed() };
}

function malformed(): GardienError {
  return new GardienError(ErrorCode.Internal, 'malformed reply on the bus');
}

function asEnvelope(err: unknown): ErrorEnvelope {
  if (isErrorEnvelope(err)) return err;
  // Nest answers "There is no matching message handler defined in the remote service." as a string.
  if (typeof err === 'string' && err.includes('no matching message handler')) {
    return { code: ErrorCode.NotFound, message: 'no handler for this subject' };
  }
  return { code: ErrorCode.Internal, message: 'internal error' };
}
