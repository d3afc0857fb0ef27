// Token signing keys: Ed25519, generated here, private halves sealed by the key ring (never stored
// in clear), rotated with overlap (a retired key stays in the JWKS until every token it signed has
// expired). Access tokens are signed with the newest key.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type CryptoKey } from 'jose';
import {
  ACCESS_TOKEN_MAX_TTL_SECONDS,
  PLATFORM_TENANT_ID,
  TOKEN_ISSUER,
  type AccessTokenClaims,
  type JsonWebKeySet,
} from '@gardien/contracts';
import { SubjectKeyRing } from '@gardien/crypto';
import { SigningKeysRepository, type SigningKeyRow } from './signing-keys.repository.js';

const KEY_OWNER = { tenant: PLATFORM_TENANT_ID, subject: 'auth-signing-keys' };
const SIGNS_FOR_DAYS = 30;
/** A retired key stays published this long: longer than any access token lives. */
const OVERLAP_MINUTES = Math.ceil(ACCESS_TOKEN_MAX_TTL_SECONDS / 60) + 5;
/**
 * A new key is published this long before it signs: longer than a verifier waits before fetching
 * the key set again (30 s), so that no valid token is ever refused during a rotation.
 */
export const PUBLISH_AHEAD_MS = 45_000;
export const SIGNING_KEY_PUBLISH_AHEAD = Symbol('SIGNING_KEY_PUBLISH_AHEAD');

@Injectable()
export class SigningKeysService {
  /** Private keys imported once per key id, as non-extractable keys: no clear copy stays around. */
  private readonly signers = new Map<string, Promise<CryptoKey>>();

  constructor(
    private readonly keys: SigningKeysRepository,
    private readonly keyRing: SubjectKeyRing,
    @Optional() @Inject(SIGNING_KEY_PUBLISH_AHEAD) private readonly publishAheadMs: number = PUBLISH_AHEAD_MS,
  ) {}

  async jwks(): Promise<JsonWebKeySet> {
    await this.current();
    const rows = await this.keys.published();
    return { keys: rows.map((row) => ({ kty: 'OKP', crv: 'Ed25519', x: row.public_jwk.x!, kid: row.kid, alg: 'EdDSA', use: 'sig' })) };
  }

  /**
   * Signs an access token for `claims`, valid `ttlSeconds` (at most 15 minutes), for the one
   * process `audience` names (`audienceOf(service)`): no other will accept it.
   */
  async issueAccessToken(claims: AccessTokenClaims, audience: string, ttlSeconds = ACCESS_TOKEN_MAX_TTL_SECONDS): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = Math.min(ttlSeconds, ACCESS_TOKEN_MAX_TTL_SECONDS);
    const key = await this.current();
    const privateKey = await this.signerOf(key);
    const { sub, ...rest } = claims;
    const token = await new SignJWT({ ...rest })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(audience)
      .setSubject(sub)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${expiresIn}s`)
      .sign(privateKey);
    return { token, expiresIn };
  }

  /**
   * A new signing key, published at once, takes over after PUBLISH_AHEAD_MS; the previous one signs
   * until then and keeps verifying for the overlap after.
   */
  async rotate(): Promise<string> {
    const previous = await this.keys.current();
    const kid = await this.create(previous ? this.publishAheadMs : 0);
    if (previous) await this.keys.retireFromSigning(previous.kid, kid, OVERLAP_MINUTES);
    return kid;
  }

  private signerOf(key: SigningKeyRow): Promise<CryptoKey> {
    let signer = this.signers.get(key.kid);
    if (!signer) {
      signer = this.importSigner(key);
      this.signers.set(key.kid, signer);
      signer.catch(() => this.signers.delete(key.kid));
    }
    return signer;
  }

  private async importSigner(key: SigningKeyRow): Promise<CryptoKey> {
    const clear = await this.keyRing.decryptFor(KEY_OWNER, { table: 'auth_signing_keys', recordId: key.kid, column: 'private_key' }, key.private_key_sealed);
    try {
      const jwk = JSON.parse(clear.toString('utf8')) as Record<string, string>;
      return (await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA', { extractable: false })) as CryptoKey;
    } finally {
      clear.fill(0);
    }
  }

  private async current(): Promise<SigningKeyRow> {
    const existing = await this.keys.current();
    if (existing) return existing;
    await this.create();
    const created = await this.keys.current();
    if (!created) throw new Error('no signing key after creating one');
    return created;
  }

  private async create(signsInMs = 0): Promise<string> {
    const kid = randomUUID();
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const sealed = await this.keyRing.encryptFor(
      KEY_OWNER,
      { table: 'auth_signing_keys', recordId: kid, column: 'private_key' },
      JSON.stringify(await exportJWK(privateKey)),
    );
    const publicJwk = await exportJWK(publicKey);
    await this.keys.insert(
      { kid, public_jwk: { kty: 'OKP', crv: 'Ed25519', x: publicJwk.x! }, private_key_sealed: sealed },
      signsInMs,
      SIGNS_FOR_DAYS,
      OVERLAP_MINUTES,
    );
    return kid;
  }
}
