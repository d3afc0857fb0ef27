// Where the replies of a process's single-reply requests arrive: one subscription per client on
// `<inbox prefix>.<random UUID>.*`, each request on its own token (another random UUID) under it.
// One subscription instead of one per request spares the server a SUB and an UNSUB per call. What
// a service learns from a reply subject (the base) does not let it answer another request: it
// would need that request's token, which only the service the request went to ever sees, and a
// reply must also carry the request's packet id. Unknown tokens and foreign packets are dropped.
import { randomUUID } from 'node:crypto';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { BusReason, busError } from './bus.errors.js';
import { replyPacketFor, type ReplyPacket } from './wire.js';

interface Pending {
  packetId: string;
  resolve: (packet: ReplyPacket) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  /** Removes the listener on the request's signal, when it has one. */
  stopWaiting?: () => void;
}

/** The status message the server sends to a reply subject when nobody serves the request's subject. */
export function isNoResponders(msg: Msg): boolean {
  return msg.data.length === 0 && msg.headers?.status === '503';
}

export class ReplyMux {
  private readonly base: string;
  private subscription: Subscription | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly connection: NatsConnection,
    inboxPrefix: string,
  ) {
    this.base = `${inboxPrefix}.${randomUUID()}`;
  }

  /**
   * A reply subject for one request and the promise of its reply packet: TIMEOUT after `ms`,
   * UNAVAILABLE when nobody serves the subject or the bus goes away, or when `signal` aborts (its
   * caller went away: caller_gone). `send` publishes the request.
   */
  request(packetId: string, ms: number, send: (reply: string) => void, signal?: AbortSignal): Promise<ReplyPacket> {
    if (signal?.aborted) return Promise.reject(busError(BusReason.CallerGone));
    this.listen();
    const token = randomUUID();
    return new Promise<ReplyPacket>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(token, busError(BusReason.ServiceTimeout)), ms);
      const pending: Pending = { packetId, resolve, reject, timer };
      if (signal) {
        const onAbort = () => this.settle(token, busError(BusReason.CallerGone));
        signal.addEventListener('abort', onAbort, { once: true });
        pending.stopWaiting = () => signal.removeEventListener('abort', onAbort);
      }
      this.pending.set(token, pending);
      try {
        send(`${this.base}.${token}`);
      } catch {
        this.settle(token, busError(BusReason.BusUnavailable));
      }
    });
  }

  private listen(): void {
    if (this.subscription && !this.subscription.isClosed()) return;
    let subscription: Subscription;
    try {
      subscription = this.connection.subscribe(`${this.base}.*`, { callback: (error, msg) => (error ? this.failAll() : this.route(msg)) });
    } catch {
      throw busError(BusReason.BusUnavailable);
    }
    this.subscription = subscription;
    // The connection closed or the subscription was refused: nothing pending will be answered.
    void subscription.closed.then(
      () => this.failAll(),
      () => this.failAll(),
    );
  }

  private route(msg: Msg): void {
    const token = msg.subject.slice(this.base.length + 1);
    const waiting = this.pending.get(token);
    if (!waiting) return;
    if (isNoResponders(msg)) {
      this.settle(token, busError(BusReason.ServiceUnavailable));
      return;
    }
    const packet = replyPacketFor(msg.string(), waiting.packetId);
    if (packet) this.settle(token, packet);
  }

  private settle(token: string, outcome: ReplyPacket | Error): void {
    const waiting = this.pending.get(token);
    if (!waiting) return;
    this.pending.delete(token);
    clearTimeout(waiting.timer);
    waiting.stopWaiting?.();
    if (outcome instanceof Error) waiting.reject(outcome);
    else waiting.resolve(outcome);
  }

  private failAll(): void {
    this.subscription = undefined;
    for (const token of [...this.pending.keys()]) this.settle(token, busError(BusReason.BusUnavailable));
  }
}
