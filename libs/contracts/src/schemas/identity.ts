// What an access token asserts, and the key set that verifies it. Tokens are EdDSA JWTs issued by
// the auth service; every service verifies them itself with the JWKS it fetches from auth.
import { z } from 'zod';
import type { ServiceName } from '../services.js';

export const TOKEN_ISSUER = 'gardien-auth';
/** The tenant id under which platform-level secrets (token signing keys) are sealed. */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';
/**
 * The audience of the tokens one process accepts: a token names the one service it is for, and
 * every other refuses it (a service that receives a caller's token cannot replay it elsewhere).
 */
export function audienceOf(service: ServiceName): string {
  return `gardien:${service}`;
}
/** Access tokens live at most this long (design: <= 15 min). */
export const ACCESS_TOKEN_MAX_TTL_SECONDS = 15 * 60;

export const ROLES = ['superadmin', 'tenant_admin', 'dpo', 'auditor', 'developer', 'user', 'service'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

const Id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/);

/** Claims of a Gardien access token, beyond the registered ones (iss, aud, sub, iat, exp, jti). */
export const AccessTokenClaims = z.object({
  sub: Id,
  /** The caller's tenant; null only for the super-admin. */
  tid: z.string().uuid().nullable(),
  kind: z.enum(['user', 'service', 'api_key']),
  roles: z.array(Role).max(ROLES.length),
  /** Whether MFA was satisfied when this session began. */
  mfa: z.boolean(),
  /** The session (refresh family) this token belongs to. */
  sid: Id.optional(),
  purposes: z.array(Id).max(50).optional(),
  models: z.array(z.string().min(1).max(200)).max(50).optional(),
});
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;

/** A verified caller, as services see it. */
export interface Principal {
  kind: AccessTokenClaims['kind'];
  /** A user's, API key's or service's id; for kind `service`, the service's name. */
  id: string;
  /** When the token that proves this principal expires (ms since the epoch). */
  expiresAt?: number;
  tenantId: string | null;
  roles: Role[];
  mfa: boolean;
  sessionId?: string;
  purposes?: string[];
  models?: string[];
}

const PublicJwk = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().min(1),
    kid: z.string().min(1),
    alg: z.literal('EdDSA'),
    use: z.literal('sig'),
  })
  .strict();

/** gardien.v1.auth.jwks: the public keys currently valid for verifying access tokens. */
export const JsonWebKeySet = z.object({ keys: z.array(PublicJwk).max(20) }).strict();
export type JsonWebKeySet = z.infer<typeof JsonWebKeySet>;

/** Reply of gardien.v1.<service>.whoami: who the service verified the caller to be (ids only). */
export const WhoAmI = z
  .object({
    service: z.string(),
    principal: z.object({ kind: z.string(), id: z.string(), tenantId: z.string().nullable(), roles: z.array(z.string()), mfa: z.boolean() }),
  })
  .strict();
export type WhoAmI = z.infer<typeof WhoAmI>;
