// The key stores in the service's own Postgres database, schema `gardien_keys` (created by
// CreateGardienKeys1732579300000). They need only something that runs SQL: a TypeORM
// EntityManager or QueryRunner, or a pg client, used inside the tenant's transaction (the tables
// have row-level security like every tenant table). Every statement is a SELECT or ends in one
// (data-modifying CTEs), so all executors answer rows alike.
import { CryptoError, CryptoErrorCode } from './crypto.errors.js';
import type { SubjectKeyStore, TenantKeyStore, WrappedSubjectKey, WrappedTenantKey } from './key-store.port.js';

/** TypeORM's `manager.query(sql, params)` (rows) or pg's `client.query(sql, params)` (`{ rows }`). */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

interface KeyRow {
  subject_id?: string;
  purpose?: string;
  key_id: string;
  wrapped_key: string;
}

export class PostgresSubjectKeyStore implements SubjectKeyStore {
  constructor(private readonly sql: SqlExecutor) {}

  async get(tenant: string, subject: string): Promise<WrappedSubjectKey | undefined> {
    const rows = await select<KeyRow>(
      this.sql,
      'SELECT key_id, wrapped_key FROM gardien_keys.subject_keys WHERE tenant_id = $1 AND subject_id = $2',
      [tenant, subject],
    );
    return rows[0] && { tenant, subject, keyId: rows[0].key_id, wrapped: rows[0].wrapped_key };
  }

  async putIfAbsent(key: WrappedSubjectKey): Promise<WrappedSubjectKey> {
    const rows = await select<KeyRow>(
      this.sql,
      `WITH inserted AS (
         INSERT INTO gardien_keys.subject_keys (tenant_id, subject_id, key_id, wrapped_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, subject_id) DO NOTHING
         RETURNING key_id, wrapped_key)
       SELECT key_id, wrapped_key FROM inserted`,
      [key.tenant, key.subject, key.keyId, key.wrapped],
    );
    if (rows[0]) return key;
    // Another writer won; its row may have committed after this statement's snapshot, so read it anew.
    const winner = await this.get(key.tenant, key.subject);
    if (!winner) throw new CryptoError(CryptoErrorCode.KmsUnavailable, `subject key ${key.keyId} could not be stored`, { keyId: key.keyId });
    return winner;
  }

  async replaceWrapped(tenant: string, subject: string, keyId: string, wrapped: string): Promise<boolean> {
    return (
      (await count(
        this.sql,
        `WITH changed AS (
           UPDATE gardien_keys.subject_keys SET wrapped_key = $4, rewrapped_at = now()
           WHERE tenant_id = $1 AND subject_id = $2 AND key_id = $3 RETURNING 1)
         SELECT count(*)::int AS n FROM changed`,
        [tenant, subject, keyId, wrapped],
      )) > 0
    );
  }

  async delete(tenant: string, subject: string): Promise<boolean> {
    return (
      (await count(
        this.sql,
        `WITH gone AS (
           DELETE FROM gardien_keys.subject_keys WHERE tenant_id = $1 AND subject_id = $2 RETURNING tenant_id, key_id),
         remembered AS (
           INSERT INTO gardien_keys.erased_subject_keys (tenant_id, key_id) SELECT tenant_id, key_id FROM gone
           ON CONFLICT DO NOTHING RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [tenant, subject],
      )) > 0
    );
  }

  async deleteAllForTenant(tenant: string): Promise<void> {
    await count(
      this.sql,
      `WITH gone AS (
         DELETE FROM gardien_keys.subject_keys WHERE tenant_id = $1 RETURNING tenant_id, key_id),
       remembered AS (
         INSERT INTO gardien_keys.erased_subject_keys (tenant_id, key_id) SELECT tenant_id, key_id FROM gone
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [tenant],
    );
  }

  async wasErased(tenant: string, keyId: string): Promise<boolean> {
    const rows = await select(this.sql, 'SELECT 1 AS found FROM gardien_keys.erased_subject_keys WHERE tenant_id = $1 AND key_id = $2', [
      tenant,
      keyId,
    ]);
    return rows.length > 0;
  }

  async listForTenant(tenant: string, afterSubject: string | undefined, limit: number): Promise<WrappedSubjectKey[]> {
    const rows = await select<KeyRow>(
      this.sql,
      `SELECT subject_id, key_id, wrapped_key FROM gardien_keys.subject_keys
       WHERE tenant_id = $1 AND ($2::text IS NULL OR subject_id > $2::text) ORDER BY subject_id LIMIT $3`,
      [tenant, afterSubject ?? null, limit],
    );
    return rows.map((row) => ({ tenant, subject: row.subject_id ?? '', keyId: row.key_id, wrapped: row.wrapped_key }));
  }
}

export class PostgresTenantKeyStore implements TenantKeyStore {
  constructor(private readonly sql: SqlExecutor) {}

  async get(tenant: string, purpose: string): Promise<WrappedTenantKey | undefined> {
    const rows = await select<KeyRow>(
      this.sql,
      'SELECT key_id, wrapped_key FROM gardien_keys.tenant_keys WHERE tenant_id = $1 AND purpose = $2',
      [tenant, purpose],
    );
    return rows[0] && { tenant, purpose, keyId: rows[0].key_id, wrapped: rows[0].wrapped_key };
  }

  async putIfAbsent(key: WrappedTenantKey): Promise<WrappedTenantKey> {
    const rows = await select<KeyRow>(
      this.sql,
      `WITH inserted AS (
         INSERT INTO gardien_keys.tenant_keys (tenant_id, purpose, key_id, wrapped_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, purpose) DO NOTHING
         RETURNING key_id, wrapped_key)
       SELECT key_id, wrapped_key FROM inserted`,
      [key.tenant, key.purpose, key.keyId, key.wrapped],
    );
    if (rows[0]) return key;
    const winner = await this.get(key.tenant, key.purpose);
    if (!winner) throw new CryptoError(CryptoErrorCode.KmsUnavailable, `tenant key ${key.keyId} could not be stored`, { keyId: key.keyId });
    return winner;
  }

  async replaceWrapped(tenant: string, purpose: string, keyId: string, wrapped: string): Promise<boolean> {
    return (
      (await count(
        this.sql,
        `WITH changed AS (
           UPDATE gardien_keys.tenant_keys SET wrapped_key = $4, rewrapped_at = now()
           WHERE tenant_id = $1 AND purpose = $2 AND key_id = $3 RETURNING 1)
         SELECT count(*)::int AS n FROM changed`,
        [tenant, purpose, keyId, wrapped],
      )) > 0
    );
  }

  async listForTenant(tenant: string): Promise<WrappedTenantKey[]> {
    const rows = await select<KeyRow>(
      this.sql,
      'SELECT purpose, key_id, wrapped_key FROM gardien_keys.tenant_keys WHERE tenant_id = $1 ORDER BY purpose',
      [tenant],
    );
    return rows.map((row) => ({ tenant, purpose: row.purpose ?? '', keyId: row.key_id, wrapped: row.wrapped_key }));
  }

  async deleteAllForTenant(tenant: string): Promise<void> {
    await count(
      this.sql,
      'WITH gone AS (DELETE FROM gardien_keys.tenant_keys WHERE tenant_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
      [tenant],
    );
  }
}

async function select<T = Record<string, unknown>>(sql: SqlExecutor, text: string, parameters: unknown[]): Promise<T[]> {
  const result = await sql.query(text, parameters);
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown } | null)?.rows;
  if (Array.isArray(rows)) return rows as T[];
  throw new CryptoError(CryptoErrorCode.InvalidArgument, 'SQL executor returned no rows array');
}

async function count(sql: SqlExecutor, text: string, parameters: unknown[]): Promise<number> {
  const rows = await select<{ n: number }>(sql, text, parameters);
  return rows[0]?.n ?? 0;
}
