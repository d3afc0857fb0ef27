// Restrictions of processing (GDPR art. 18) in one service: recorded and lifted by the rights
// pipeline through gardien.v1.<service>.subject.restrict, read by the service's own processing
// (isRestricted) before it does anything with a subject's data beyond storing it.
import type { DataSource, EntityManager } from 'typeorm';
import { withTenant } from '../tenant-context.js';
import type { SubjectScope } from './subject-rows.js';

export class SubjectRestrictions {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether the subject's processing is restricted here (in the caller's transaction when given one). */
  async isRestricted(scope: SubjectScope, manager?: EntityManager): Promise<boolean> {
    const ask = async (m: EntityManager) =>
      (await m.query('SELECT 1 FROM gardien_subject_restrictions WHERE tenant_id = $1 AND subject_id = $2', [scope.tenantId, scope.subjectId])).length > 0;
    return manager ? ask(manager) : withTenant(this.dataSource, scope.tenantId, ask);
  }

  /** Records the restriction; false if it was already recorded. */
  async restrict(manager: EntityManager, scope: SubjectScope, rightsRequestId: string | null): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO gardien_subject_restrictions (tenant_id, subject_id, rights_request_id) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, subject_id) DO NOTHING RETURNING 1`,
      [scope.tenantId, scope.subjectId, rightsRequestId],
    );
    return rows.length > 0;
  }

  /** Lifts the restriction; false if there was none. */
  async lift(manager: EntityManager, scope: SubjectScope): Promise<boolean> {
    const [, count]: [unknown[], number] = await manager.query('DELETE FROM gardien_subject_restrictions WHERE tenant_id = $1 AND subject_id = $2', [
      scope.tenantId,
      scope.subjectId,
    ]);
    return count > 0;
  }
}
