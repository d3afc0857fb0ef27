// Seals and opens the personal columns of auth_users, and computes the blind index an email is
// looked up by. The record's owner (the data subject) is the user: erasing them shreds both values.
import { Injectable } from '@nestjs/common';
import { BlindIndex, SubjectKeyRing } from '@gardien/crypto';
import { PersonalDataCodec } from '@gardien/persistence';
import { AUTH_USERS } from './user-personal-data.js';
import type { UserRow } from './users.repository.js';

@Injectable()
export class UserCodec {
  private readonly codec: PersonalDataCodec<'email' | 'totp_secret'>;

  constructor(keyRing: SubjectKeyRing, blindIndex: BlindIndex) {
    this.codec = new PersonalDataCodec(AUTH_USERS, keyRing, blindIndex);
  }

  emailIndex(tenantId: string, email: string): Promise<string> {
    return this.codec.lookupKey(tenantId, 'email_index', email);
  }

  /** The sealed email and its index, for a new row. */
  async sealEmail(tenantId: string, userId: string, email: string): Promise<{ email: string; email_index: string }> {
    const sealed = await this.codec.seal({ tenant: tenantId, subject: userId, recordId: userId }, { email });
    return { email: sealed.email!, email_index: sealed.email_index! };
  }

  async sealTotpSecret(tenantId: string, userId: string, secret: string): Promise<string> {
    const sealed = await this.codec.seal({ tenant: tenantId, subject: userId, recordId: userId }, { totp_secret: secret });
    return sealed.totp_secret!;
  }

  async openEmail(row: Pick<UserRow, 'id' | 'tenant_id' | 'email'>): Promise<string> {
    const opened = await this.codec.open({ tenant: row.tenant_id, subject: row.id, recordId: row.id }, { email: row.email });
    return opened.email!;
  }

  async openTotpSecret(row: Pick<UserRow, 'id' | 'tenant_id' | 'totp_secret'>): Promise<string | undefined> {
    if (!row.totp_secret) return undefined;
    const opened = await this.codec.open({ tenant: row.tenant_id, subject: row.id, recordId: row.id }, { totp_secret: row.totp_secret });
    return opened.totp_secret ?? undefined;
  }
}
