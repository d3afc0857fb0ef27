// Bounds the argon2id work of one auth process. Each run costs ~20 MiB and tens of milliseconds of
// a core, and an anonymous login buys one: without a bound, a flood of logins queues runs without
// end in libuv's thread pool, every one finishing long after its caller gave up. Here at most
// `concurrency` run at once (about one per core), a short FIFO queue waits behind them, and
// beyond it a request is shed at once with a retry delay. Work whose caller has stopped waiting
// (its deadline passed) leaves the queue without ever running.
import type { GardienError } from '@gardien/contracts';
import { AuthReason, authError } from '../auth.errors.js';

export interface PasswordWorkLimits {
  /** Runs at once. */
  concurrency: number;
  /** Runs that may wait for a slot; one more is shed. */
  maxQueued: number;
  /** Sent with a shed request as its retry delay. */
  retryAfterSeconds: number;
}

interface Waiter {
  start: () => void;
  abandon: () => void;
  timer: NodeJS.Timeout | undefined;
}

export class PasswordWorkGate {
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly limits: PasswordWorkLimits) {
    if (limits.concurrency < 1 || limits.maxQueued < 0) throw new Error('password work limits must allow one run');
  }

  /** Runs `work` once a slot is free; refuses it when the queue is full, abandons it when `deadline` passes first. */
  async run<T>(work: () => Promise<T>, deadline?: number): Promise<T> {
    await this.enter(deadline);
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(deadline: number | undefined): Promise<void> {
    if (deadline !== undefined && Date.now() >= deadline) return Promise.reject(callerGone());
    if (this.running < this.limits.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.queue.length >= this.limits.maxQueued) return Promise.reject(authError(AuthReason.PasswordChecksSaturated, { retryAfterSeconds: this.limits.retryAfterSeconds }));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { start: resolve, abandon: () => reject(callerGone()), timer: undefined };
      if (deadline !== undefined) {
        waiter.timer = setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          waiter.abandon();
        }, deadline - Date.now());
        waiter.timer.unref();
      }
      this.queue.push(waiter);
    });
  }

  /** The slot goes to the next waiter, if any (the running count stays), else it is freed. */
  private leave(): void {
    const next = this.queue.shift();
    if (!next) {
      this.running--;
      return;
    }
    clearTimeout(next.timer);
    next.start();
  }
}

function callerGone(): GardienError {
  return authError(AuthReason.PasswordCheckAbandoned);
}
