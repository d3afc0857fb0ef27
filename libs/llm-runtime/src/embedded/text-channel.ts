// Text pushed by a generation's callback, read as an async iterable by the stream that relays it:
// the one place where llama.cpp's callbacks meet the port's async iteration. Unbounded in count,
// but a generation is bounded by its token budget, so the text it can hold is too.
export class TextChannel<Reason = string> implements AsyncIterable<string> {
  private readonly pending: string[] = [];
  private wake: (() => void) | undefined;
  private done = false;
  private failure: { error: unknown } | undefined;
  stopReason: Reason | undefined;

  push(text: string): void {
    if (this.done || text === '') return;
    this.pending.push(text);
    this.notify();
  }

  end(stopReason: Reason): void {
    this.stopReason = stopReason;
    this.done = true;
    this.notify();
  }

  fail(error: unknown): void {
    this.failure = { error };
    this.done = true;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      if (this.pending.length > 0) {
        yield this.pending.splice(0).join('');
        continue;
      }
      if (this.failure) throw this.failure.error;
      if (this.done) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
