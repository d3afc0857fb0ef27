// Sessions and rotating refresh tokens. Each refresh returns a new token and spends the old one;
// presenting a spent token again means it was stolen (or replayed): the whole session is revoked
// and audited. A session also ends after 30 minutes without use (idle) and 12 hours after login
// (absolute), on logout, and when the account's protection changes (password, MFA reset) or the
// account goes. Every refusal is the same UNAUTHENTICATED, saying nothing of why.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PLATFORM_TENANT_ID, type CallScope, type GardienError, type Principal } from '@gardien/contracts';
import { withTenant, type AuditAuthor } from '@gardien/persistence';
import { authAudit } from '../auth.audit.js';
import { AuthReason, authError } from '../auth.errors.js';
import { hashRefreshToken, newRefreshToken, parseRefreshToken } from './refresh-token.js';
import { SessionsRepository } from './sessions.repository.js';

export const IDLE_TIMEOUT_MS = 30 * 60_000;
export const ABSOLUTE_LIFETIME_MS = 12 * 3_600_000;

export type RevocationReason = 'reuse' | 'idle' | 'expired' | 'logout' | 'account-deleted' | 'account-gone' | 'password-changed' | 'mfa-reset';

/** Why every session of an account ends at once. */
export type AccountRevocationReason = Extract<RevocationReason, 'account-deleted' | 'password-changed' | 'mfa-reset'>;

/** Where a caller acting on its own account stands: its account's tenant and the open session it acts in. */
export interface LiveSession {
  tenantId: string;
  sessionId: string;
}

export interface SessionGrant {
  sessionId: string;
  userId: string;
  tenantId: string;
  refreshToken: string;
  /** Whether MFA was satisfied when the session began. */
  mfa: boolean;
}

@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsRepository,
  ) {}

  /** A new session for a user who has just logged in. */
  /** `audit`, when given, runs in the transaction that opens the session (the login's audit entry). */
  async open(tenantId: string, userId: string, now = new Date(), mfa = false, audit?: (manager: EntityManager, sessionId: string) => Promise<unknown>): Promise<SessionGrant> {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken(tenantId);
    await withTenant(this.dataSource, tenantId, async (manager) => {
      await audit?.(manager, sessionId);
      await this.sessions.insertSession(manager, { id: sessionId, tenantId, userId, createdAt: now, expiresAt: new Date(now.getTime() + ABSOLUTE_LIFETIME_MS), mfa });
      await this.insertToken(manager, tenantId, sessionId, refreshToken, now);
    });
    return { sessionId, userId, tenantId, refreshToken, mfa };
  }

  /**
   * Spends `refreshToken` and returns the next one; reuse of a spent token revokes the session. A
   * revocation here is audited as the session's user's, in `scope`'s request: nobody is verified yet.
   */
  async refresh(refreshToken: string, now = new Date(), scope?: CallScope): Promise<SessionGrant> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) throw unauthenticated();
    const tenantId = parsed.tenantId;
    const tokenHash = hashRefreshToken(refreshToken);
    const outcome = await withTenant(this.dataSource, tenantId, async (manager) => {
      const row = await this.sessions.lockTokenWithSession(manager, tokenHash);
      if (!row || row.revoked_at) return undefined;
      const owner: AuditAuthor = { user: row.user_id, ...(scope ? { scope } : {}) };
      if (row.used_at) {
        await this.revoke(manager, owner, tenantId, row.session_id, 'reuse', now);
        return undefined;
      }
      const idle = now.getTime() - row.last_used_at.getTime() > IDLE_TIMEOUT_MS;
      if (idle || now >= row.expires_at) {
        await this.revoke(manager, owner, tenantId, row.session_id, idle ? 'idle' : 'expired', now);
        return undefined;
      }
      await this.sessions.markTokenUsed(manager, tokenHash, now);
      await this.sessions.touchSession(manager, row.session_id, now);
      const next = newRefreshToken(tenantId);
      await this.insertToken(manager, tenantId, row.session_id, next, now);
      return { sessionId: row.session_id, userId: row.user_id, tenantId, refreshToken: next, mfa: row.mfa };
    });
    if (!outcome) throw unauthenticated();
    return outcome;
  }

  /** Logout: the session and every refresh token of it stop working. */
  async close(refreshToken: string, now = new Date()): Promise<void> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) throw unauthenticated();
    await withTenant(this.dataSource, parsed.tenantId, async (manager) => {
      const row = await this.sessions.findOpenSessionOfToken(manager, hashRefreshToken(refreshToken));
      if (row) await this.revoke(manager, { user: row.user_id }, parsed.tenantId, row.session_id, 'logout', now);
    });
  }

  /** Logout with an access token: its session (the `sid` claim) and every refresh token of it stop working. `by`: who ends it. */
  async closeSession(by: AuditAuthor, tenantId: string, sessionId: string, userId: string, now = new Date(), reason: RevocationReason = 'logout'): Promise<void> {
    await withTenant(this.dataSource, tenantId, async (manager) => {
      if (await this.sessions.lockOpenSessionOf(manager, sessionId, userId)) await this.revoke(manager, by, tenantId, sessionId, reason, now);
    });
  }

  /**
   * The tenant and session of a caller acting on its own account, once its session is known to be
   * open: a token outliving its logout cannot change the account.
   */
  async liveSessionOf(caller: Principal): Promise<LiveSession> {
    if (caller.kind !== 'user' || !caller.sessionId) throw authError(AuthReason.UserSessionRequired);
    const tenantId = caller.tenantId ?? PLATFORM_TENANT_ID;
    if (!(await this.isLive(tenantId, caller.sessionId))) throw unauthenticated();
    return { tenantId, sessionId: caller.sessionId };
  }

  /** Whether the session an access token belongs to is still open (not logged out, revoked or timed out). */
  async isLive(tenantId: string, sessionId: string, now = new Date()): Promise<boolean> {
    return withTenant(this.dataSource, tenantId, async (manager) => {
      const row = await this.sessions.findOpenSession(manager, sessionId);
      return row !== undefined && now < row.expires_at && now.getTime() - row.last_used_at.getTime() <= IDLE_TIMEOUT_MS;
    });
  }

  /**
   * Ends every open session of a user, inside the caller's transaction: all of them when the account
   * is deleted or its MFA reset, all but the caller's own (`except`) when its password changed.
   */
  async revokeAllOf(manager: EntityManager, by: AuditAuthor, tenantId: string, userId: string, reason: AccountRevocationReason, now: Date, except?: string): Promise<void> {
    for (const id of await this.sessions.openSessionIdsOf(manager, userId)) if (id !== except) await this.revoke(manager, by, tenantId, id, reason, now);
  }

  private async insertToken(manager: EntityManager, tenantId: string, sessionId: string, token: string, now: Date): Promise<void> {
    await this.sessions.insertRefreshToken(manager, { hash: hashRefreshToken(token), tenantId, sessionId, issuedAt: now });
  }

  private async revoke(manager: EntityManager, by: AuditAuthor, tenantId: string, sessionId: string, reason: RevocationReason, now: Date): Promise<void> {
    await this.sessions.revokeSession(manager, sessionId, now, reason);
    const reused = reason === 'reuse';
    await authAudit.record(manager, by, {
      action: reused ? 'session.reuse-detected' : 'session.ended',
      outcome: reused ? 'denied' : 'success',
      tenantId,
      targetId: sessionId,
      details: { reason },
    });
  }
}

function unauthenticated(): GardienError {
  return authError(AuthReason.SessionInvalid);
}
