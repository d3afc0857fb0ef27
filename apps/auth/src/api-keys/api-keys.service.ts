// API keys for service accounts: created by a developer or tenant admin for one declared purpose
// (and optionally a set of models the tenant allows), shown once, stored hashed, expiring (90
// days unless said otherwise, one year at most), revocable. The edge trades a key for a short
// access token (kind api_key, bound to the purpose and models) that every service verifies like
// any other, while the key's owner exists and may still hold keys.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { authorize, defineAbilityFor, isAllowed } from '@gardien/authz';
import {
  audienceOf,
  type ApiKey,
  type CallScope,
  type Caller,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  type ExchangedApiKey,
  type GardienError,
  type Principal,
} from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { authAudit } from '../auth.audit.js';
import { AuthReason, authError } from '../auth.errors.js';
import { SigningKeysService } from '../signing-keys/signing-keys.service.js';
import { TenantDirectory } from '../tenant-directory/tenant-directory.js';
import { tenantOf } from '../users/user-accounts.service.js';
import { apiKeyMatches, hashApiKey, newApiKey, parseApiKey } from './api-key-secret.js';
import { ApiKeysRepository, type ApiKeyRow, type ApiKeyWithOwner } from './api-keys.repository.js';

const DAY_MS = 86_400_000;
export const DEFAULT_API_KEY_LIFETIME_MS = 90 * DAY_MS;
export const MAX_API_KEY_LIFETIME_MS = 365 * DAY_MS;
/** Short, and never past the key's own expiry (the edge keeps it 5 s at most: see ApiKeyExchange). */
export const API_KEY_TOKEN_TTL_SECONDS = 120;
/**
 * The shortest token worth issuing: the edge exchanges it again for the service it calls, which
 * auth refuses with less than a second of it left (and its expiry is counted in whole seconds).
 * A key with less left than this is refused, a few seconds before its expiry rather than after.
 */
export const MIN_API_KEY_TOKEN_SECONDS = 3;
const LIST_LIMIT = 1000;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: ApiKeysRepository,
    private readonly directory: TenantDirectory,
    private readonly signingKeys: SigningKeysService,
  ) {}

  async create(caller: Caller, input: CreateApiKeyRequest, now = new Date()): Promise<CreatedApiKey> {
    const tenantId = tenantOf(caller);
    authorize(defineAbilityFor(caller.principal), 'create', 'ApiKey', { tenantId, ownerId: caller.principal.id });
    const expiresAt = expiryOf(input.expires_at, now);
    if (!(await this.directory.purposeExists(caller, input.purpose))) {
      throw authError(AuthReason.PurposeNotDeclared, { details: [{ path: 'payload.purpose', reason: 'unknown_purpose' }] });
    }
    if (input.models) await this.checkModelsAllowed(caller, input.models);
    const id = randomUUID();
    const key = newApiKey(tenantId, id);
    const row: Omit<ApiKeyRow, 'revoked_at'> = {
      id,
      tenant_id: tenantId,
      owner_id: caller.principal.id,
      name: input.name,
      purpose: input.purpose,
      models: input.models ? [...new Set(input.models)] : null,
      key_hash: hashApiKey(key),
      expires_at: expiresAt,
      created_at: now,
    };
    await withTenant(this.dataSource, tenantId, async (manager) => {
      await this.keys.insert(manager, row);
      await authAudit.record(manager, caller, { action: 'api-key.created', tenantId, targetId: id });
    });
    return { ...view({ ...row, revoked_at: null }), key };
  }

  /**
   * Every model a key names must be one the tenant's settings allow (and its creator may call); an
   * empty allow-list allows none (a new tenant calls no model until its admin allows one). The error
   * names positions, never models.
   */
  private async checkModelsAllowed(caller: Caller, models: readonly string[]): Promise<void> {
    const allowed = new Set(await this.directory.allowedModelsOf(caller));
    const details = models.flatMap((model, i) => (allowed.has(model) ? [] : [{ path: `payload.models.${i}`, reason: 'model_not_allowed' }]));
    if (details.length > 0) throw authError(AuthReason.ApiKeyModelNotAllowed, { details });
  }

  async list(caller: Caller): Promise<ApiKey[]> {
    const tenantId = tenantOf(caller);
    const ability = defineAbilityFor(caller.principal);
    const rows = await withTenant(this.dataSource, tenantId, (manager) => this.keys.list(manager, LIST_LIMIT));
    return rows.filter((row) => isAllowed(ability, 'read', 'ApiKey', { tenantId: row.tenant_id, ownerId: row.owner_id })).map(view);
  }

  async revoke(caller: Caller, id: string): Promise<void> {
    const tenantId = tenantOf(caller);
    const ability = defineAbilityFor(caller.principal);
    await withTenant(this.dataSource, tenantId, async (manager) => {
      const row = await this.keys.findById(manager, id);
      if (!row) throw authError(AuthReason.ApiKeyNotFound);
      authorize(ability, 'delete', 'ApiKey', { tenantId: row.tenant_id, ownerId: row.owner_id });
      if (row.revoked_at) return;
      await this.keys.revoke(manager, row.id, new Date());
      await authAudit.record(manager, caller, { action: 'api-key.revoked', tenantId, targetId: row.id });
    });
  }

  /**
   * A new secret for a key (same id, purpose, models and expiry), shown once; the old secret is not
   * exchanged any more (the edge may still use a token it was exchanged for, 5 s at most).
   */
  async rotate(caller: Caller, id: string): Promise<CreatedApiKey> {
    const tenantId = tenantOf(caller);
    const ability = defineAbilityFor(caller.principal);
    return withTenant(this.dataSource, tenantId, async (manager) => {
      const row = await this.keys.findById(manager, id, true);
      if (!row) throw authError(AuthReason.ApiKeyNotFound);
      authorize(ability, 'rotate', 'ApiKey', { tenantId: row.tenant_id, ownerId: row.owner_id });
      if (row.revoked_at || (row.expires_at && row.expires_at <= new Date())) throw authError(AuthReason.ApiKeyNotRotatable);
      const key = newApiKey(tenantId, row.id);
      await this.keys.replaceSecret(manager, row.id, hashApiKey(key));
      await authAudit.record(manager, caller, { action: 'api-key.rotated', tenantId, targetId: row.id });
      return { ...view(row), key };
    });
  }

  /**
   * A short access token for a valid key whose owner still exists and still may hold keys (asked
   * of the ability factory for the owner as it is now); every refusal is the same UNAUTHENTICATED.
   */
  async exchange(key: string, scope: CallScope, now = new Date()): Promise<ExchangedApiKey> {
    const parsed = parseApiKey(key);
    if (!parsed) throw invalidKey();
    const row = await withTenant(this.dataSource, parsed.tenantId, (manager) => this.keys.findWithOwner(manager, parsed.keyId));
    const usable = row && apiKeyMatches(key, row.key_hash) && !row.revoked_at && (!row.expires_at || row.expires_at > now);
    if (!row || !usable || !ownerMayHoldKeys(row)) throw invalidKey();
    const tenant = await this.directory.resolveId(row.tenant_id, scope);
    if (tenant?.status !== 'active') throw invalidKey();
    await withTenant(this.dataSource, row.tenant_id, (manager) => this.keys.touch(manager, row.id, now));
    // Counted from the signature: the token's expiry counts from the clock, not from `now`.
    const lifetime = tokenLifetimeOf(row.expires_at, Math.max(now.getTime(), Date.now()));
    if (lifetime < MIN_API_KEY_TOKEN_SECONDS) throw invalidKey();
    const { token, expiresIn } = await this.signingKeys.issueAccessToken(
      { sub: row.id, tid: row.tenant_id, kind: 'api_key', roles: ['service'], mfa: false, purposes: [row.purpose], ...(row.models ? { models: row.models } : {}) },
      // For the edge, which exchanges it for the audience of each service it then calls.
      audienceOf('edge-api'),
      lifetime,
    );
    return { access_token: token, expires_in: expiresIn };
  }
}

/**
 * Whether the key's owner, as stored now, may hold API keys. Its privileged roles count when the
 * account has a second factor (the grants it would have in a session that passed MFA).
 */
function ownerMayHoldKeys(row: ApiKeyWithOwner): boolean {
  if (!row.owner_roles) return false;
  const owner: Principal = { kind: 'user', id: row.owner_id, tenantId: row.tenant_id, roles: row.owner_roles, mfa: row.owner_mfa === true };
  return isAllowed(defineAbilityFor(owner), 'create', 'ApiKey', { tenantId: row.tenant_id, ownerId: row.owner_id });
}

/** Seconds the token of a key may live: API_KEY_TOKEN_TTL_SECONDS, and never past the key's expiry. */
function tokenLifetimeOf(expiresAt: Date | null, signedAt: number): number {
  if (!expiresAt) return API_KEY_TOKEN_TTL_SECONDS;
  return Math.min(API_KEY_TOKEN_TTL_SECONDS, Math.floor((expiresAt.getTime() - signedAt) / 1000));
}

function expiryOf(requested: string | undefined, now: Date): Date {
  if (!requested) return new Date(now.getTime() + DEFAULT_API_KEY_LIFETIME_MS);
  const at = new Date(requested);
  if (at <= now || at.getTime() - now.getTime() > MAX_API_KEY_LIFETIME_MS) {
    throw authError(AuthReason.ApiKeyExpiryOutOfRange, { details: [{ path: 'payload.expires_at', reason: 'out_of_range' }] });
  }
  return at;
}

function view(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    owner_id: row.owner_id,
    name: row.name,
    purpose: row.purpose,
    models: row.models,
    expires_at: row.expires_at ? row.expires_at.toISOString() : null,
    revoked_at: row.revoked_at ? row.revoked_at.toISOString() : null,
    created_at: row.created_at.toISOString(),
  };
}

function invalidKey(): GardienError {
  return authError(AuthReason.InvalidApiKey);
}
