// The streamed replies a service is sending now, by stream id, so that a caller who went away can
// stop the work behind one (BusClient.stream tells the service with `streams.cancel`); the
// cancellable calls answered once it is working on are kept the same way (BusClient.call with a
// signal). A stream is known only while it runs; only the principal that started it (if it had
// one) may stop it.
import { Injectable } from '@nestjs/common';
import type { Principal } from '@gardien/contracts';

interface RunningStream {
  startedBy: Pick<Principal, 'kind' | 'id' | 'tenantId'> | undefined;
  stop: () => void;
}

/** A tracked stream: `release` forgets it when it ends (and nothing else, even under a reused id). */
export interface TrackedStream {
  release(): void;
}

@Injectable()
export class StreamRegistry {
  private readonly running = new Map<string, RunningStream>();

  /**
   * Remembers a stream until it is released or cancelled; `stop` cancels the handler's work.
   * Undefined when a stream runs under this id already: a stream id is the caller's fresh UUID, and
   * a second stream under it would be one nobody could stop (the caller must refuse to start it).
   */
  track(streamId: string, startedBy: Principal | undefined, stop: () => void): TrackedStream | undefined {
    if (this.running.has(streamId)) return undefined;
    const entry: RunningStream = { startedBy: startedBy && { kind: startedBy.kind, id: startedBy.id, tenantId: startedBy.tenantId }, stop };
    this.running.set(streamId, entry);
    return {
      release: () => {
        if (this.running.get(streamId) === entry) this.running.delete(streamId);
      },
    };
  }

  /** Stops the stream if it runs and `caller` is who started it; says nothing either way. */
  cancel(streamId: string, caller: Principal | undefined): void {
    const stream = this.running.get(streamId);
    if (!stream) return;
    const { startedBy } = stream;
    if (startedBy && !(caller && caller.kind === startedBy.kind && caller.id === startedBy.id && caller.tenantId === startedBy.tenantId)) return;
    this.running.delete(streamId);
    stream.stop();
  }

  get size(): number {
    return this.running.size;
  }
}
