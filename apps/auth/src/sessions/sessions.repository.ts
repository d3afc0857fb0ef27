// Queries on auth_sessions and auth_refresh_tokens, and nothing else. Every method runs inside the
// caller's transaction, whose tenant (row-level security) the caller has set.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface NewSession {
  id: string;
  tenantId: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  mfa: boolean;
}

/** A refresh token with the session it belongs to. */
export interface TokenWithSession {
  session_id: string;
  used_at: Date | null;
  user_id: string;
  last_used_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  mfa: boolean;
}

@Injectable()
export class SessionsRepository {
  async insertSession(manager: EntityManager, session: NewSession): Promise<void> {
    await manager.query(
      'INSERT INTO auth_sessions (id, tenant_id, user_id, created_at, last_used_at, expires_at, mfa) VALUES ($1, $2, $3, $4, $4, $5, $6)',
      [session.id, session.tenantId, session.userId, session.createdAt, session.expiresAt, session.mfa],
    );
  }

  async insertRefreshToken(manager: EntityManager, token: { hash: string; tenantId: string; sessionId: string; issuedAt: Date }): Promise<void> {
    await manager.query('INSERT INTO auth_refresh_tokens (token_hash, tenant_id, session_id, issued_at) VALUES ($1, $2, $3, $4)', [
      token.hash,
      token.tenantId,
      token.sessionId,
      token.issuedAt,
    ]);
  }

  /** The token and its session, both locked until the transaction ends (a refresh must not race another). */
  async lockTokenWithSession(manager: EntityManager, tokenHash: string): Promise<TokenWithSession | undefined> {
    const [row]: TokenWithSession[] = await manager.query(
      `SELECT t.session_id, t.used_at, s.user_id, s.last_used_at, s.expires_at, s.revoked_at, s.mfa
         FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
        WHERE t.token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
    return row;
  }

  async markTokenUsed(manager: EntityManager, tokenHash: string, now: Date): Promise<void> {
    await manager.query('UPDATE auth_refresh_tokens SET used_at = $2 WHERE token_hash = $1', [tokenHash, now]);
  }

  async touchSession(manager: EntityManager, sessionId: string, now: Date): Promise<void> {
    await manager.query('UPDATE auth_sessions SET last_used_at = $2 WHERE id = $1', [sessionId, now]);
  }

  /** The open session a refresh token belongs to. */
  async findOpenSessionOfToken(manager: EntityManager, tokenHash: string): Promise<{ session_id: string; user_id: string } | undefined> {
    const [row]: Array<{ session_id: string; user_id: string }> = await manager.query(
      `SELECT t.session_id, s.user_id FROM auth_refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id
        WHERE t.token_hash = $1 AND s.revoked_at IS NULL`,
      [tokenHash],
    );
    return row;
  }

  /** Locks the session if it is open and belongs to `userId`; answers whether it did. */
  async lockOpenSessionOf(manager: EntityManager, sessionId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT id FROM auth_sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL FOR UPDATE', [sessionId, userId]);
    return rows.length > 0;
  }

  async findOpenSession(manager: EntityManager, sessionId: string): Promise<{ last_used_at: Date; expires_at: Date } | undefined> {
    const [row]: Array<{ last_used_at: Date; expires_at: Date }> = await manager.query(
      'SELECT last_used_at, expires_at FROM auth_sessions WHERE id = $1 AND revoked_at IS NULL',
      [sessionId],
    );
    return row;
  }

  async openSessionIdsOf(manager: EntityManager, userId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query('SELECT id FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
    return rows.map((row) => row.id);
  }

  async revokeSession(manager: EntityManager, sessionId: string, now: Date, reason: string): Promise<void> {
    await manager.query('UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL', [sessionId, now, reason]);
  }
}
