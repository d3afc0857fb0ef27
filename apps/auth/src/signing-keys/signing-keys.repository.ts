// Queries of the signing keys table; no rule here.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface SigningKeyRow {
  kid: string;
  public_jwk: Record<string, string>;
  private_key_sealed: string;
  signs_until: Date;
  published_until: Date;
}

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The newest key that may still sign. */
  async current(): Promise<SigningKeyRow | undefined> {
    const rows: SigningKeyRow[] = await this.dataSource.query(
      'SELECT * FROM auth_signing_keys WHERE signs_until > now() ORDER BY created_at DESC LIMIT 1',
    );
    return rows[0];
  }

  /** Keys whose tokens may still be in circulation. */
  async published(): Promise<SigningKeyRow[]> {
    return this.dataSource.query('SELECT * FROM auth_signing_keys WHERE published_until > now() ORDER BY created_at DESC');
  }

  async insert(row: Omit<SigningKeyRow, 'signs_until' | 'published_until'>, signsForDays: number, overlapMinutes: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO auth_signing_keys (kid, public_jwk, private_key_sealed, signs_until, published_until)
       VALUES ($1, $2, $3, now() + make_interval(days => $4), now() + make_interval(days => $4) + make_interval(mins => $5))`,
      [row.kid, JSON.stringify(row.public_jwk), row.private_key_sealed, signsForDays, overlapMinutes],
    );
  }

  /** Stops a key from signing now; it stays published for the overlap, so tokens it signed still verify. */
  async retireFromSigning(kid: string, overlapMinutes: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE auth_signing_keys SET signs_until = now(), published_until = now() + make_interval(mins => $2) WHERE kid = $1`,
      [kid, overlapMinutes],
    );
  }
}
