// Signed tree heads, every one kept: the latest of a log, and its past ones.
import type { EntityManager } from 'typeorm';
import { TreeHeadSchema, type TreeHead } from '@gardien/audit-log';

export class TreeHeadsRepository {
  async insert(manager: EntityManager, tenantId: string, head: TreeHead): Promise<void> {
    await manager.query('INSERT INTO audit_tree_heads (tenant_id, tree_size, signed_at, root_hash, key_id, head) VALUES ($1, $2, $3, $4, $5, $6)', [
      tenantId,
      head.tree_size,
      head.timestamp,
      Buffer.from(head.root_hash, 'hex'),
      head.key_id,
      JSON.stringify(head),
    ]);
  }

  async latest(manager: EntityManager, tenantId: string): Promise<TreeHead | undefined> {
    const [head] = await this.list(manager, tenantId, { limit: 1 });
    return head;
  }

  /** Newest first; `beforeSize`: only heads of smaller trees (the next page). */
  async list(manager: EntityManager, tenantId: string, page: { limit: number; beforeSize?: number }): Promise<TreeHead[]> {
    const rows: Array<{ head: string }> = await manager.query(
      `SELECT head FROM audit_tree_heads WHERE tenant_id = $1 AND ($2::bigint IS NULL OR tree_size < $2)
        ORDER BY tree_size DESC, signed_at DESC LIMIT $3`,
      [tenantId, page.beforeSize ?? null, page.limit],
    );
    return rows.map((row) => TreeHeadSchema.parse(JSON.parse(row.head)));
  }
}
