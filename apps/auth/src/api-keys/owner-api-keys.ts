// A user's API keys when what protects the account is renewed (password changed, MFA reset) or the
// account goes: whoever held the old credentials may have created keys, so all of them stop at
// once, in the caller's transaction, each revocation audited with ids and a system reason only.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Caller } from '@gardien/contracts';
import { authAudit } from '../auth.audit.js';
import { ApiKeysRepository } from './api-keys.repository.js';

export type OwnerKeysRevocationReason = 'password-changed' | 'mfa-reset' | 'account-deleted';

export interface OwnerKeysRevocation {
  tenantId: string;
  ownerId: string;
  reason: OwnerKeysRevocationReason;
}

@Injectable()
export class OwnerApiKeys {
  constructor(private readonly keys: ApiKeysRepository) {}

  /** `caller`: who renewed the account's protection or deleted it (the owner, or an administrator). */
  async revokeAll(manager: EntityManager, caller: Caller, revocation: OwnerKeysRevocation, now = new Date()): Promise<void> {
    const { tenantId, ownerId, reason } = revocation;
    for (const id of await this.keys.revokeAllOwnedBy(manager, ownerId, now)) {
      await authAudit.record(manager, caller, { action: 'api-key.revoked', tenantId, targetId: id, details: { reason, owner: ownerId } });
    }
  }
}
