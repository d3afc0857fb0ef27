// Everything a new account needs before its row is written: the argon2id hash, the sealed email
// and its blind index, and for accounts whose roles require MFA a TOTP secret (sealed) whose
// enrolment URI is returned once. Done outside the transaction: hashing is slow.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { requiresMfa } from '@gardien/authz';
import { PLATFORM_TENANT_ID, type Role } from '@gardien/contracts';
import { SubjectKeyRing } from '@gardien/crypto';
import { AuthReason, authError } from '../auth.errors.js';
import { PasswordHasher } from '../credentials/password-hasher.js';
import { enrolTotp } from '../mfa/totp.js';
import { UserCodec } from './user-codec.js';
import type { NewUserRow } from './users.repository.js';

export interface AccountInput {
  email: string;
  password: string;
  roles: Role[];
}

export interface PreparedAccount {
  row: NewUserRow;
  /** Present when a TOTP secret was created: shown once to whoever created the account. */
  totpUri?: string;
}

@Injectable()
export class NewAccountFactory {
  constructor(
    private readonly hasher: PasswordHasher,
    private readonly codec: UserCodec,
    private readonly keyRing: SubjectKeyRing,
  ) {}

  /**
   * Runs `write`; if it fails (a duplicate email, an administrator already there, a bootstrap that
   * lost a race), the data keys `prepare` created for accounts that now will never exist are
   * destroyed, so that refused input leaves no key behind.
   */
  async keepOnlyIfWritten<T>(accounts: readonly PreparedAccount[], write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      for (const { row } of accounts) await this.keyRing.forgetSubject(row.tenant_id, row.id);
      throw error;
    }
  }

  async prepare(tenantId: string, input: AccountInput, now = new Date()): Promise<PreparedAccount> {
    const id = randomUUID();
    const roles = [...new Set(input.roles)];
    // The super-admin, alone in the platform tenant, and nowhere else: whatever a caller asks for.
    const platform = tenantId === PLATFORM_TENANT_ID;
    if (platform !== roles.includes('superadmin') || (platform && roles.length !== 1)) {
      throw authError(AuthReason.SuperadminRoleReserved);
    }
    const [passwordHash, email] = await Promise.all([this.hasher.hash(input.password), this.codec.sealEmail(tenantId, id, input.email)]);
    const totp = requiresMfa(roles) ? enrolTotp(id) : undefined;
    const row: NewUserRow = {
      id,
      tenant_id: tenantId,
      ...email,
      password_hash: passwordHash,
      roles,
      totp_secret: totp ? await this.codec.sealTotpSecret(tenantId, id, totp.secret) : null,
      // The URI is handed over with the account: the first login with a code is the confirmation.
      totp_confirmed: totp !== undefined,
      created_at: now,
    };
    return totp ? { row, totpUri: totp.uri } : { row };
  }
}
