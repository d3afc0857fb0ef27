// Queries on auth_login_throttle, inside the caller's transaction. Not tenant data (keys are keyed
// hashes of what a login names and of where it comes from): no row-level security here.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ThrottleState } from './login-throttle.policy.js';

interface Row {
  key: string;
  failures: number;
  last_failure_at: Date | null;
  locked_until: Date | null;
}

@Injectable()
export class LoginThrottleRepository {
  /**
   * Locks the counters of `keys` until the transaction ends, creating those that do not exist yet,
   * in key order everywhere, so that two attempts never wait for each other in a cycle.
   */
  async lock(manager: EntityManager, keys: readonly string[]): Promise<Map<string, ThrottleState | undefined>> {
    const ordered = [...keys].sort();
    await manager.query('INSERT INTO auth_login_throttle (key) SELECT unnest($1::text[]) ON CONFLICT (key) DO NOTHING', [ordered]);
    const rows: Row[] = await manager.query(
      'SELECT key, failures, last_failure_at, locked_until FROM auth_login_throttle WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE',
      [ordered],
    );
    return new Map(keys.map((key) => [key, toState(rows.find((row) => row.key === key))]));
  }

  async write(manager: EntityManager, key: string, state: ThrottleState | undefined): Promise<void> {
    await manager.query('UPDATE auth_login_throttle SET failures = $2, last_failure_at = $3, locked_until = $4, updated_at = now() WHERE key = $1', [
      key,
      state?.failures ?? 0,
      state ? new Date(state.lastFailureAt) : null,
      state?.lockedUntil ? new Date(state.lockedUntil) : null,
    ]);
  }

  async delete(manager: EntityManager, key: string): Promise<void> {
    await manager.query('DELETE FROM auth_login_throttle WHERE key = $1', [key]);
  }
}

function toState(row: Row | undefined): ThrottleState | undefined {
  if (!row || row.failures === 0 || !row.last_failure_at) return undefined;
  return { failures: row.failures, lastFailureAt: row.last_failure_at.getTime(), lockedUntil: row.locked_until ? row.locked_until.getTime() : null };
}
