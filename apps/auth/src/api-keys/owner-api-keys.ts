// A user's API keys when what protects the account is renewed (password changed, MFA reset) or the
// account goes: whoever held the old credentials may have created keys, so all of them stop at
// once, in the caller's transaction, each revocation audited with ids and a system reason only.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { auditAuth, type AuditActor } from '../audit/auth-audit.js';
import { ApiKeysRepository } from './api-keys.repository.js';

export type OwnerKeysRevocationReason = 'password-changed' | 'mfa-reset' | 'account-deleted';

export interface OwnerKeysRevocation {
  tenantId: string;
  ownerId: string;
  reason: OwnerKeysRevocationReason;
  actor: AuditActor;
  requestId: string | null;
}

@Injectable()
export class OwnerApiKeys {
  constructor(private readonly keys: ApiKeysRepository) {}

  async revokeAll(manager: EntityManager, revocation: OwnerKeysRevocation, now = new Date()): Promise<void> {
    const { tenantId, ownerId, reason, actor, requestId } = revocation;
    for (const id of await this.keys.revokeAllOwnedBy(manager, ownerId, now)) {
      await auditAuth(manager, { action: 'api-key.revoked', tenantId, actor, target: { type: 'api-key', id }, details: { reason, owner: ownerId }, requestId });
    }
  }
}
