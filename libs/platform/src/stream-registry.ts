// The streamed replies a service is sending now, by stream id, so that a caller who went away can
// stop the work behind one (BusClient.stream tells the service with `streams.cancel`); the
// cancellable calls answered once it is working on are kept the same way (BusClient.call with a
// signal). A stream is known while it runs; only the principal that started it (if it had one) may
// stop it: a cancel whose token verifies as that principal, or that carries the very token the
// stream was started with, verified then (the edge cancels under the call's own token, which may
// have expired by the time its client leaves; no 401 can reach a client that has gone).
// A cancel can also arrive before its call is registered (the caller left at once, and its cancel
// overtook the call's token check): it is remembered for a few seconds, for its principal only,
// and a call of that principal under that id is then stopped before it starts. That memory is
// bounded per principal and in all, so that no caller can grow it.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@gardien/contracts';

/** Who starts or stops a stream: the principal its token verified as (none without a token, or with one that did not verify), and that token. */
export interface StreamCaller {
  readonly principal: Principal | undefined;
  readonly token: string | undefined;
}

/** How long a cancel that came before its call is remembered: its call follows within milliseconds. */
export const EARLY_CANCEL_TTL_MS = 5_000;
/** At most this many remembered per principal (the oldest forgotten first): one caller crowds out only itself. */
export const EARLY_CANCELS_PER_PRINCIPAL = 64;
/** At most this many remembered in all (the oldest forgotten first). */
export const EARLY_CANCELS_IN_ALL = 10_000;

interface Starter {
  readonly kind: Principal['kind'];
  readonly id: string;
  readonly tenantId: Principal['tenantId'];
  readonly tokenDigest: Buffer | undefined;
}

interface RunningStream {
  /** Undefined for a stream started without a verified token: whoever names it may stop it. */
  readonly startedBy: Starter | undefined;
  readonly stop: () => void;
}

/** A tracked stream: `release` forgets it when it ends (and nothing else, even under a reused id). */
export interface TrackedStream {
  readonly outcome: 'tracked';
  release(): void;
}

/**
 * What `track` did: tracked the stream; refused it, a stream running under its id already (a stream
 * id is the caller's fresh UUID, and a second stream under it would be one nobody could stop); or
 * refused it, its caller having cancelled it already (the handler must not start it).
 */
export type Tracking = TrackedStream | { readonly outcome: 'in_use' } | { readonly outcome: 'cancelled' };

@Injectable()
export class StreamRegistry {
  private readonly running = new Map<string, RunningStream>();
  private readonly early = new EarlyCancels();

  /** Remembers a stream until it is released or cancelled; `stop` cancels the handler's work. */
  track(streamId: string, caller: StreamCaller, stop: () => void): Tracking {
    if (this.running.has(streamId)) return { outcome: 'in_use' };
    const { principal, token } = caller;
    if (this.early.take(principal ? principalKeyOf(principal) : ANONYMOUS, streamId, performance.now())) return { outcome: 'cancelled' };
    const startedBy: Starter | undefined = principal && {
      kind: principal.kind,
      id: principal.id,
      tenantId: principal.tenantId,
      tokenDigest: token === undefined ? undefined : digestOf(token),
    };
    const entry: RunningStream = { startedBy, stop };
    this.running.set(streamId, entry);
    return {
      outcome: 'tracked',
      release: () => {
        if (this.running.get(streamId) === entry) this.running.delete(streamId);
      },
    };
  }

  /** Stops the stream if it runs and `caller` is who started it, or remembers the cancel a while if none runs; says nothing either way. */
  cancel(streamId: string, caller: StreamCaller): void {
    const stream = this.running.get(streamId);
    if (!stream) {
      const by = earlyKeyOf(caller);
      if (by !== undefined) this.early.remember(by, streamId, performance.now());
      return;
    }
    if (!mayStop(stream.startedBy, caller)) return;
    this.running.delete(streamId);
    stream.stop();
  }

  /** How many streams run. */
  get size(): number {
    return this.running.size;
  }

  /** How many cancels that came before their call are remembered now. */
  get earlyCancels(): number {
    return this.early.count(performance.now());
  }
}

function mayStop(startedBy: Starter | undefined, { principal, token }: StreamCaller): boolean {
  if (!startedBy) return true;
  if (principal && principal.kind === startedBy.kind && principal.id === startedBy.id && principal.tenantId === startedBy.tenantId) return true;
  return token !== undefined && startedBy.tokenDigest !== undefined && timingSafeEqual(digestOf(token), startedBy.tokenDigest);
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

const ANONYMOUS = 'anonymous';

/**
 * Whose list an early cancel goes to: its verified principal's, or the anonymous one for a cancel
 * without a token (a stream started without one is cancelled without one). None for a token that
 * did not verify: anybody can make up such tokens by the thousand, and a call under one is refused.
 */
function earlyKeyOf({ principal, token }: StreamCaller): string | undefined {
  if (principal) return principalKeyOf(principal);
  return token === undefined ? ANONYMOUS : undefined;
}

function principalKeyOf(principal: Principal): string {
  return JSON.stringify([principal.kind, principal.tenantId ?? null, principal.id]);
}

interface EarlyCancel {
  readonly by: string;
  readonly expiresAt: number;
}

/** Cancels that came before their call, by principal and stream id; one lifetime for all, so insertion order is expiry order. */
class EarlyCancels {
  private readonly all = new Map<string, EarlyCancel>();
  private readonly byPrincipal = new Map<string, Set<string>>();

  remember(by: string, streamId: string, now: number): void {
    this.forgetExpired(now);
    const key = JSON.stringify([by, streamId]);
    this.forget(key);
    const own = this.byPrincipal.get(by);
    if (own && own.size >= EARLY_CANCELS_PER_PRINCIPAL) this.forget(own.values().next().value);
    if (this.all.size >= EARLY_CANCELS_IN_ALL) this.forget(this.all.keys().next().value);
    this.byPrincipal.set(by, (this.byPrincipal.get(by) ?? new Set<string>()).add(key));
    this.all.set(key, { by, expiresAt: now + EARLY_CANCEL_TTL_MS });
  }

  /** Whether `by` cancelled `streamId` a moment ago; forgets it either way. */
  take(by: string, streamId: string, now: number): boolean {
    this.forgetExpired(now);
    const key = JSON.stringify([by, streamId]);
    if (!this.all.has(key)) return false;
    this.forget(key);
    return true;
  }

  count(now: number): number {
    this.forgetExpired(now);
    return this.all.size;
  }

  private forgetExpired(now: number): void {
    for (const [key, entry] of this.all) {
      if (entry.expiresAt > now) return;
      this.forget(key);
    }
  }

  private forget(key: string | undefined): void {
    const entry = key === undefined ? undefined : this.all.get(key);
    if (key === undefined || !entry) return;
    this.all.delete(key);
    const own = this.byPrincipal.get(entry.by);
    own?.delete(key);
    if (own?.size === 0) this.byPrincipal.delete(entry.by);
  }
}
