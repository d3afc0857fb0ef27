// Turns at a shared resource (the embedding calls of this replica's ingestions), `capacity` at a
// time, given in turn to each key that waits (a tenant), one turn per key per round: a tenant with
// a hundred batches waiting gets one, then every other waiting tenant gets one, then it gets its
// next. First come first served within a key. A waiter whose signal aborts leaves the line.
export interface Turn {
  /** Gives the turn back (to the next key in the round); a no-op after the first call. */
  release(): void;
}

interface Waiter {
  grant: (turn: Turn) => void;
}

export class FairTurns {
  private active = 0;
  /** Each key's waiters, in order of arrival. */
  private readonly lines = new Map<string, Waiter[]>();
  /** Keys with waiters, in the order their next turn comes (a Map keeps insertion order). */
  private readonly round = new Map<string, true>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('FairTurns needs a capacity of at least 1');
  }

  /** Turns held now. */
  get held(): number {
    return this.active;
  }

  /** Waiters, all keys together. */
  get waiting(): number {
    let count = 0;
    for (const line of this.lines.values()) count += line.length;
    return count;
  }

  /** A turn for `key`: at once if one is free and nobody waits, else when the round comes to `key`. */
  take(key: string, signal?: AbortSignal): Promise<Turn> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.capacity && this.round.size === 0) {
      this.active++;
      return Promise.resolve(this.turn());
    }
    return new Promise<Turn>((resolve, reject) => {
      const onAbort = () => {
        this.leave(key, waiter);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        grant: (turn) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(turn);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const line = this.lines.get(key);
      if (line) line.push(waiter);
      else {
        this.lines.set(key, [waiter]);
        this.round.set(key, true);
      }
    });
  }

  private turn(): Turn {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        this.next();
      },
    };
  }

  /** Gives free turns to the keys at the head of the round, each going to the back if it still waits. */
  private next(): void {
    while (this.active < this.capacity && this.round.size > 0) {
      const key = this.round.keys().next().value!;
      this.round.delete(key);
      const line = this.lines.get(key)!;
      const waiter = line.shift()!;
      if (line.length > 0) this.round.set(key, true);
      else this.lines.delete(key);
      this.active++;
      waiter.grant(this.turn());
    }
  }

  private leave(key: string, waiter: Waiter): void {
    const line = this.lines.get(key);
    if (!line) return;
    const at = line.indexOf(waiter);
    if (at === -1) return;
    line.splice(at, 1);
    if (line.length === 0) {
      this.lines.delete(key);
      this.round.delete(key);
    }
  }
}
