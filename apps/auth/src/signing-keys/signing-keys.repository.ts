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
      'SELECT * FROM auth_signing_keys WHERE signs_from <= now() AND signs_until > now() ORDER BY signs_from DESC LIMIT 1',
    );
    return rows[0];
  }

  /** Keys whose tokens may be in circulation, and the next key, published before it signs. */
  async published(): Promise<SigningKeyRow[]> {
    return this.dataSource.query('SELECT * FROM auth_signing_keys WHERE published_until > now() ORDER BY created_at DESC');
  }

  /** A key that signs from `signsInMs` from now, for `signsForDays`, and stays published `overlapMinutes` longer. */
  async insert(
    row: Omit<SigningKeyRow, 'signs_until' | 'published_until'>,
    signsInMs: number,
    signsForDays: number,
    overlapMinutes: number,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO auth_signing_keys (kid, public_jwk, private_key_sealed, signs_from, signs_until, published_until)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4 / 1000.0),
               now() + make_interval(secs => $4 / 1000.0) + make_interval(days => $5),
               now() + make_interval(secs => $4 / 1000.0) + make_interval(days => $5) + make_interval(mins => $6))`,
      [row.kid, JSON.stringify(row.public_jwk), row.private_key_sealed, signsInMs, signsForDays, overlapMinutes],
    );
  }

  /** Stops a key from signing when its successor starts; it stays published for the overlap after that. */
  async retireFromSigning(kid: string, successorKid: string, overlapMinutes: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE auth_signing_keys SET signs_until = s.signs_from, published_until = s.signs_from + make_interval(mins => $3)
         FROM (SELECT signs_from FROM auth_signing_keys WHERE kid = $2) s WHERE auth_signing_keys.kid = $1`,
      [kid, successorKid, overlapMinutes],
    );
  }
}
