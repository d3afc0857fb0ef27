// Passwords: argon2id with the OWASP password-storage parameters (19 MiB, 2 iterations, 1 lane).
// An unknown account is checked against a dummy hash of the same cost, so that the answer takes
// the same time whether or not the account exists.
import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** Computed at start, so that the first unknown account costs no more than the others. */
  private readonly dummy = argon2.hash('gardien-no-such-account', ARGON2_OPTIONS);

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  /** True if the password matches; `hash` undefined (no such account) costs the same and is false. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    if (!hash) {
      await argon2.verify(await this.dummy, password);
      return false;
    }
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Whether a stored hash should be recomputed because the parameters changed. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, ARGON2_OPTIONS);
  }
}
