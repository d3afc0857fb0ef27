// The refresh token's form: `rt1.<tenant id>.<secret>`. The tenant id is not secret and lets the
// session be found under row-level security; the secret is 32 random bytes, stored only hashed.
import { createHash, randomBytes } from 'node:crypto';

const FORM = /^rt1\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export function newRefreshToken(tenantId: string): string {
  return `rt1.${tenantId}.${randomBytes(32).toString('base64url')}`;
}

export function parseRefreshToken(token: string): { tenantId: string } | undefined {
  const match = FORM.exec(token);
  return match ? { tenantId: match[1]! } : undefined;
}

/** A high-entropy secret needs no slow hash: SHA-256 is enough to make the stored value useless. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
