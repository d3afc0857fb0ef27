// Passwords: argon2id with the OWASP password-storage parameters (19 MiB, 2 iterations, 1 lane).
// An unknown account is checked against a dummy hash of the same cost, so that the answer takes
// the same time whether or not the account exists. Every run goes through one PasswordWorkGate per
// process: bounded concurrency, a short queue, load shed beyond it, and runs whose caller has gone
// abandoned before they start (`deadline`, from the bus request's timeout).
import { availableParallelism } from 'node:os';
import { Inject, Injectable, Optional } from '@nestjs/common';
import argon2 from 'argon2';
import { PasswordWorkGate, type PasswordWorkLimits } from './password-work-gate.js';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Overrides the limits below (tests); the process default otherwise. */
export const PASSWORD_WORK_LIMITS = Symbol('PASSWORD_WORK_LIMITS');

/**
 * One run per core keeps every core busy without runs fighting for them (more would only add
 * latency to each); four more per core may wait, about 4 runs' time (~150 ms here) at most.
 */
export function defaultPasswordWorkLimits(cores = availableParallelism()): PasswordWorkLimits {
  return { concurrency: cores, maxQueued: 4 * cores, retryAfterSeconds: 1 };
}

@Injectable()
export class PasswordHasher {
  private readonly gate: PasswordWorkGate;
  /** Computed at start, so that the first unknown account costs no more than the others. */
  private readonly dummy = argon2.hash('gardien-no-such-account', ARGON2_OPTIONS);

  constructor(@Optional() @Inject(PASSWORD_WORK_LIMITS) limits?: PasswordWorkLimits) {
    this.gate = new PasswordWorkGate(limits ?? defaultPasswordWorkLimits());
  }

  hash(password: string, deadline?: number): Promise<string> {
    return this.gate.run(() => argon2.hash(password, ARGON2_OPTIONS), deadline);
  }

  /** True if the password matches; `hash` undefined (no such account) costs the same and is false. */
  async verify(hash: string | undefined, password: string, deadline?: number): Promise<boolean> {
    const dummy = await this.dummy;
    return this.gate.run(async () => {
      if (!hash) {
        await argon2.verify(dummy, password);
        return false;
      }
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    }, deadline);
  }

  /** Whether a stored hash should be recomputed because the parameters changed. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, ARGON2_OPTIONS);
  }
}
