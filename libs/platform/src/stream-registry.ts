// The streamed replies a service is sending now, by stream id, so that a caller who went away can
// stop the work behind one (BusClient.stream tells the service with `streams.cancel`). A stream is
// known only while it runs; only the principal that started it (if it had one) may stop it.
import { Injectable } from '@nestjs/common';
import type { Principal } from '@gardien/contracts';

interface RunningStream {
  startedBy: Pick<Principal, 'kind' | 'id' | 'tenantId'> | undefined;
  stop: () => void;
}

@Injectable()
export class StreamRegistry {
  private readonly running = new Map<string, RunningStream>();

  /** Remembers a stream until `forget`; `stop` cancels the handler's work. */
  track(streamId: string, startedBy: Principal | undefined, stop: () => void): void {
    // A stream id is the caller's fresh UUID: a second stream under the same id is refused by not being tracked.
    if (this.running.has(streamId)) return;
    this.running.set(streamId, { startedBy: startedBy && { kind: startedBy.kind, id: startedBy.id, tenantId: startedBy.tenantId }, stop });
  }

  forget(streamId: string): void {
    this.running.delete(streamId);
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
