// The API key's form: `gk1.<tenant id>.<key id>.<secret>`. Tenant and key ids are not secret: they
// let the key be found under row-level security; the secret is 32 random bytes. Only a SHA-256 of
// the whole key is stored (a high-entropy secret needs no slow hash), compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const FORM = new RegExp(`^gk1\\.(${UUID})\\.(${UUID})\\.([A-Za-z0-9_-]{43})$`);

export function newApiKey(tenantId: string, keyId: string): string {
  return `gk1.${tenantId}.${keyId}.${randomBytes(32).toString('base64url')}`;
}

export function parseApiKey(key: string): { tenantId: string; keyId: string } | undefined {
  const match = FORM.exec(key);
  return match ? { tenantId: match[1]!, keyId: match[2]! } : undefined;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

export function apiKeyMatches(key: string, storedHash: string): boolean {
  const given = Buffer.from(hashApiKey(key));
  const stored = Buffer.from(storedHash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}
