// The keys that sign tree heads: appended, never changed or removed (a key that signed a head must
// stay published for as long as the head is checked). The newest signs.
import type { EntityManager } from 'typeorm';

export interface SigningKeyRow {
  keyId: string;
  publicX: string;
  privateKeySealed: string;
}

export class SigningKeysRepository {
  async newest(manager: EntityManager): Promise<SigningKeyRow | undefined> {
    const rows: Array<{ key_id: string; public_x: string; private_key_sealed: string }> = await manager.query(
      'SELECT key_id, public_x, private_key_sealed FROM audit_signing_keys ORDER BY created_at DESC, key_id DESC LIMIT 1',
    );
    const row = rows[0];
    return row === undefined ? undefined : { keyId: row.key_id, publicX: row.public_x, privateKeySealed: row.private_key_sealed };
  }

  async published(manager: EntityManager): Promise<Array<{ keyId: string; publicX: string }>> {
    const rows: Array<{ key_id: string; public_x: string }> = await manager.query('SELECT key_id, public_x FROM audit_signing_keys ORDER BY created_at, key_id');
    return rows.map((row) => ({ keyId: row.key_id, publicX: row.public_x }));
  }

  async insert(manager: EntityManager, row: SigningKeyRow): Promise<void> {
    await manager.query('INSERT INTO audit_signing_keys (key_id, public_x, private_key_sealed) VALUES ($1, $2, $3)', [row.keyId, row.publicX, row.privateKeySealed]);
  }
}
