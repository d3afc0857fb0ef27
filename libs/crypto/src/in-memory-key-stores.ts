// Key stores held in memory: for tests, benchmarks and single-process tools. Same semantics as
// the Postgres stores (insert-if-absent, erased key ids remembered), nothing persisted.
import type { SubjectKeyStore, TenantKeyStore, WrappedSubjectKey, WrappedTenantKey } from './key-store.port.js';

export class InMemorySubjectKeyStore implements SubjectKeyStore {
  private readonly keys = new Map<string, WrappedSubjectKey>();
  private readonly erased = new Set<string>();

  get size(): number {
    return this.keys.size;
  }

  async get(tenant: string, subject: string): Promise<WrappedSubjectKey | undefined> {
    return this.keys.get(slot(tenant, subject));
  }

  async putIfAbsent(key: WrappedSubjectKey): Promise<WrappedSubjectKey> {
    const existing = this.keys.get(slot(key.tenant, key.subject));
    if (existing) return existing;
    const stored = { ...key };
    this.keys.set(slot(key.tenant, key.subject), stored);
    return stored;
  }

  async replaceWrapped(tenant: string, subject: string, keyId: string, wrapped: string): Promise<boolean> {
    const existing = this.keys.get(slot(tenant, subject));
    if (!existing || existing.keyId !== keyId) return false;
    this.keys.set(slot(tenant, subject), { ...existing, wrapped });
    return true;
  }

  async delete(tenant: string, subject: string): Promise<boolean> {
    const existing = this.keys.get(slot(tenant, subject));
    if (!existing) return false;
    this.keys.delete(slot(tenant, subject));
    this.erased.add(slot(tenant, existing.keyId));
    return true;
  }

  async deleteAllForTenant(tenant: string): Promise<void> {
    for (const key of [...this.keys.values()]) {
      if (key.tenant === tenant) await this.delete(tenant, key.subject);
    }
  }

  async wasErased(tenant: string, keyId: string): Promise<boolean> {
    return this.erased.has(slot(tenant, keyId));
  }

  async listForTenant(tenant: string, afterSubject: string | undefined, limit: number): Promise<WrappedSubjectKey[]> {
    return [...this.keys.values()]
      .filter((key) => key.tenant === tenant && (afterSubject === undefined || key.subject > afterSubject))
      .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0))
      .slice(0, limit);
  }
}

export class InMemoryTenantKeyStore implements TenantKeyStore {
  private readonly keys = new Map<string, WrappedTenantKey>();

  async get(tenant: string, purpose: string): Promise<WrappedTenantKey | undefined> {
    return this.keys.get(slot(tenant, purpose));
  }

  async putIfAbsent(key: WrappedTenantKey): Promise<WrappedTenantKey> {
    const existing = this.keys.get(slot(key.tenant, key.purpose));
    if (existing) return existing;
    const stored = { ...key };
    this.keys.set(slot(key.tenant, key.purpose), stored);
    return stored;
  }

  async replaceWrapped(tenant: string, purpose: string, keyId: string, wrapped: string): Promise<boolean> {
    const existing = this.keys.get(slot(tenant, purpose));
    if (!existing || existing.keyId !== keyId) return false;
    this.keys.set(slot(tenant, purpose), { ...existing, wrapped });
    return true;
  }

  async listForTenant(tenant: string): Promise<WrappedTenantKey[]> {
    return [...this.keys.values()].filter((key) => key.tenant === tenant);
  }

  async deleteAllForTenant(tenant: string): Promise<void> {
    for (const key of [...this.keys.values()]) {
      if (key.tenant === tenant) this.keys.delete(slot(tenant, key.purpose));
    }
  }
}

function slot(tenant: string, id: string): string {
  return `${tenant}/${id}`;
}
