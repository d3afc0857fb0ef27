// Payloads of the auth service's operations. Public operations use the same snake_case bodies on
// HTTP (the edge validates with these schemas and documents them in OpenAPI) and on the bus, so
// one schema is the contract at both boundaries. Every string is bounded; unknown fields are refused.
import { z } from 'zod';
import { Timestamp, Uuid } from './primitives.js';
import { Role } from './identity.js';

/** An email address: bounded and lower-cased before it is blind-indexed, so lookups ignore case. */
export const Email = z
  .string()
  .trim()
  .max(254)
  .email()
  .transform((value) => value.toLowerCase());

/** Passwords: NIST SP 800-63B length rules; the upper bound keeps argon2id's input bounded. */
export const Password = z.string().min(12).max(128);

/** A tenant slug, as given at login: lower-case letters, digits and hyphens. */
export const TenantSlug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);

/** A TOTP enrolment URI (`otpauth://…`), shown once to whoever hands it over. */
export const TotpUri = z.string().startsWith('otpauth://');

export const TotpCode = z.string().regex(/^[0-9]{6}$/);

/** A purpose of processing, named by its id (a slug chosen by the tenant). */
export const PurposeId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/);

/** A model name as runtimes know it (e.g. `mistral:7b-instruct`). */
export const ModelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/);

/** The roles a tenant admin can give: every role but the platform's super-admin. */
export const TenantRole = Role.exclude(['superadmin']);
export type TenantRole = z.infer<typeof TenantRole>;


/** The client address the edge saw, used only for per-source throttling (hashed, never stored). */
const SourceAddress = z.string().max(64).optional();

// --- sessions ---------------------------------------------------------------------------------

export const LoginRequest = z
  .object({ email: Email, password: z.string().min(1).max(128), tenant: TenantSlug.optional(), totp: TotpCode.optional(), source: SourceAddress })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

/** The HTTP body of a login: the same, without the source the edge adds. */
export const LoginBody = LoginRequest.omit({ source: true });

export const TokenPair = z
  .object({ access_token: z.string().min(1), refresh_token: z.string().min(1), token_type: z.literal('Bearer'), expires_in: z.number().int().positive() })
  .strict();
export type TokenPair = z.infer<typeof TokenPair>;

export const RefreshRequest = z.object({ refresh_token: z.string().min(1).max(512) }).strict();
export type RefreshRequest = z.infer<typeof RefreshRequest>;

/** Logout ends the session of the access token that calls it. */
export const LogoutRequest = z.object({}).strict();
export const Empty = z.object({}).strict();
export type Empty = z.infer<typeof Empty>;

export const Me = z
  .object({
    id: Uuid,
    tenant_id: Uuid.nullable(),
    email: z.string(),
    roles: z.array(Role),
    mfa_enrolled: z.boolean(),
  })
  .strict();
export type Me = z.infer<typeof Me>;

// --- users and roles ----------------------------------------------------------------------------

export const CreateUserRequest = z
  .object({ email: Email, password: Password, roles: z.array(TenantRole).min(1).max(TenantRole.options.length) })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const User = z
  .object({
    id: Uuid,
    tenant_id: Uuid,
    email: z.string(),
    roles: z.array(Role),
    mfa_enrolled: z.boolean(),
    created_at: Timestamp,
  })
  .strict();
export type User = z.infer<typeof User>;

/** A created user; `totp_uri` is present, once, when a role of the user requires MFA. */
export const CreatedUser = User.extend({ totp_uri: TotpUri.optional() }).strict();
export type CreatedUser = z.infer<typeof CreatedUser>;

/**
 * The super-admin gives a tenant it created its first administrator (once: refused when the tenant
 * has one). The only account the super-admin ever creates; it reads none.
 */
export const CreateInitialAdminRequest = z.object({ tenant_id: Uuid, email: Email, password: Password }).strict();
export type CreateInitialAdminRequest = z.infer<typeof CreateInitialAdminRequest>;

export const UserList = z.object({ users: z.array(User).max(1000) }).strict();
export type UserList = z.infer<typeof UserList>;

export const UserRef = z.object({ id: Uuid }).strict();
export type UserRef = z.infer<typeof UserRef>;

export const SetUserRolesRequest = z.object({ id: Uuid, roles: z.array(TenantRole).min(1).max(TenantRole.options.length) }).strict();
export type SetUserRolesRequest = z.infer<typeof SetUserRolesRequest>;

/** A new TOTP secret, shown once. */
export const MfaEnrolment = z.object({ totp_uri: TotpUri }).strict();
export type MfaEnrolment = z.infer<typeof MfaEnrolment>;

/**
 * A user changes their own password: the current one proves it is them (not just a stolen token);
 * every other session of the account ends.
 */
export const ChangePasswordRequest = z.object({ current_password: z.string().min(1).max(128), new_password: Password }).strict();
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/**
 * A user enrols TOTP on its own account: the current password proves it is them, so that a stolen
 * access token alone cannot attach the thief's second factor to the account.
 */
export const EnrolMfaRequest = z.object({ current_password: z.string().min(1).max(128) }).strict();
export type EnrolMfaRequest = z.infer<typeof EnrolMfaRequest>;

export const ConfirmMfaRequest = z.object({ totp: TotpCode }).strict();
export type ConfirmMfaRequest = z.infer<typeof ConfirmMfaRequest>;

// --- API keys -----------------------------------------------------------------------------------

export const CreateApiKeyRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    purpose: PurposeId,
    models: z.array(ModelName).min(1).max(50).optional(),
    expires_at: Timestamp.optional(),
  })
  .strict();
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

export const ApiKey = z
  .object({
    id: Uuid,
    tenant_id: Uuid,
    owner_id: Uuid,
    name: z.string(),
    purpose: PurposeId,
    models: z.array(ModelName).nullable(),
    expires_at: Timestamp.nullable(),
    revoked_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .strict();
export type ApiKey = z.infer<typeof ApiKey>;

/** A created key: `key` is shown here once and stored only as a hash. */
export const CreatedApiKey = ApiKey.extend({ key: z.string().min(1) }).strict();
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const ApiKeyList = z.object({ api_keys: z.array(ApiKey).max(1000) }).strict();
export type ApiKeyList = z.infer<typeof ApiKeyList>;

export const ApiKeyRef = z.object({ id: Uuid }).strict();
export type ApiKeyRef = z.infer<typeof ApiKeyRef>;

/** The edge trades a tenant API key for a short access token that every service can verify. */
export const ExchangeApiKeyRequest = z.object({ key: z.string().min(1).max(256) }).strict();
export type ExchangeApiKeyRequest = z.infer<typeof ExchangeApiKeyRequest>;

export const ExchangedApiKey = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() }).strict();
export type ExchangedApiKey = z.infer<typeof ExchangedApiKey>;

// --- bootstrap (gardien bootstrap, over the bus, never HTTP) ------------------------------------

const Account = z.object({ email: Email, password: Password }).strict();

export const BootstrapRequest = z
  .object({
    admin: Account,
    tenant: z.object({ slug: TenantSlug, name: z.string().trim().min(1).max(200), admin: Account }).strict().optional(),
  })
  .strict();
export type BootstrapRequest = z.infer<typeof BootstrapRequest>;

const CreatedAccount = z.object({ id: Uuid, totp_uri: TotpUri }).strict();

export const BootstrapResult = z
  .object({
    superadmin: CreatedAccount,
    tenant: z.object({ id: Uuid, slug: TenantSlug, admin: CreatedAccount }).strict().optional(),
  })
  .strict();
export type BootstrapResult = z.infer<typeof BootstrapResult>;
