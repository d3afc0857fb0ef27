// What auditors read: pages of entries, tree heads, inclusion and consistency proofs, and exports.
// Every read runs in a transaction of the log's tenant (row-level security), once the caller is
// allowed to read that log; proofs read the few stored nodes they are made of, never the log.
import type { DataSource, EntityManager } from 'typeorm';
import { consistencyPlan, exportEntryLine, exportTreeHeadLine, foldRange, inclusionPlan } from '@gardien/audit-log';
import {
  LogEntry,
  MAX_AUDIT_PAGE,
  type AuditEntriesQuery,
  type AuditEntryPage,
  type ConsistencyProof,
  type ConsistencyProofQuery,
  type InclusionProof,
  type InclusionProofQuery,
  type TreeHead,
  type TreeHeadList,
  type TreeHeadsQuery,
} from '@gardien/contracts';
import { withTenant } from '@gardien/persistence';
import { AuditReason, auditError } from '../audit.errors.js';
import { logNameOf, type TreeHeadSigner } from '../heads/tree-head-signer.js';
import type { TreeHeadsRepository } from '../heads/tree-heads.repository.js';
import type { AuditLogRepository, StoredEntry } from './audit-log.repository.js';

const DEFAULT_PAGE = 100;
/** Entries per piece of an export: about 2 KB each with their proofs, well under a bus message. */
export const EXPORT_PIECE_ENTRIES = 200;
/** One export holds at most this many entries; larger logs are exported in ranges. */
export const MAX_EXPORT_ENTRIES = 100_000;

export class AuditLogReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: AuditLogRepository,
    private readonly heads: TreeHeadsRepository,
    private readonly signer: TreeHeadSigner,
  ) {}

  async entries(tenantId: string, query: AuditEntriesQuery): Promise<AuditEntryPage> {
    if (query.from !== undefined && query.to !== undefined && Date.parse(query.to) < Date.parse(query.from)) throw auditError(AuditReason.EntriesRangeRefused);
    const limit = Math.min(query.limit ?? DEFAULT_PAGE, MAX_AUDIT_PAGE);
    const filters = { from: query.from, to: query.to, action: query.action, actor: query.actor, target: query.target, outcome: query.outcome };
    const rows = await withTenant(this.dataSource, tenantId, (manager) => this.log.page(manager, tenantId, filters, query.after ?? -1, limit + 1));
    const page = rows.slice(0, limit);
    return {
      log: logNameOf(tenantId),
      entries: page.map((row) => ({ index: row.idx, entry: LogEntry.parse(JSON.parse(row.entry)), leaf_hash: row.leafHash.toString('hex') })),
      next_after: rows.length > limit ? page[page.length - 1]!.idx : null,
    };
  }

  treeHead(tenantId: string): Promise<TreeHead> {
    return this.signer.headOf(tenantId);
  }

  async treeHeads(tenantId: string, query: TreeHeadsQuery): Promise<TreeHeadList> {
    const heads = await withTenant(this.dataSource, tenantId, (manager) =>
      this.heads.list(manager, tenantId, { limit: query.limit ?? 20, ...(query.before_size === undefined ? {} : { beforeSize: query.before_size }) }),
    );
    return { tree_heads: heads };
  }

  async inclusionProof(tenantId: string, { index, tree_size }: InclusionProofQuery): Promise<InclusionProof> {
    return withTenant(this.dataSource, tenantId, async (manager) => {
      const size = await this.log.sizeOf(manager, tenantId);
      if (tree_size > size || index >= tree_size) throw auditError(AuditReason.ProofOutsideTree);
      const plan = inclusionPlan(index, tree_size);
      const nodes = await this.log.requiredNodes(manager, tenantId, [{ level: 0, index }, ...plan.flat()]);
      return { index, tree_size, leaf_hash: nodes(({ level: 0, index })).toString('hex'), inclusion_proof: plan.map((refs) => foldRange(refs.map(nodes)).toString('hex')) };
    });
  }

  async consistencyProof(tenantId: string, { first, second }: ConsistencyProofQuery): Promise<ConsistencyProof> {
    return withTenant(this.dataSource, tenantId, async (manager) => {
      const size = await this.log.sizeOf(manager, tenantId);
      if (second > size || first > second) throw auditError(AuditReason.ProofOutsideTree);
      const plan = consistencyPlan(first, second);
      const nodes = await this.log.requiredNodes(manager, tenantId, plan.flat());
      return { first, second, consistency_proof: plan.map((refs) => foldRange(refs.map(nodes)).toString('hex')) };
    });
  }

  /**
   * An export of indexes [from, to] (by default the whole log) against a tree head signed for it:
   * JSON Lines in pieces of EXPORT_PIECE_ENTRIES entries, the head's line last. The range is
   * checked before anything is sent.
   */
  async export(tenantId: string, range: { from?: number; to?: number }): Promise<AsyncGenerator<string>> {
    const head = await this.signer.headOf(tenantId);
    const from = range.from ?? 0;
    const to = range.to ?? head.tree_size - 1;
    const empty = head.tree_size === 0 && range.from === undefined && range.to === undefined;
    if (!empty && (from > to || to >= head.tree_size || to - from + 1 > MAX_EXPORT_ENTRIES)) throw auditError(AuditReason.ExportRangeRefused);
    return this.pieces(tenantId, head, empty ? 0 : from, empty ? -1 : to);
  }

  private async *pieces(tenantId: string, head: TreeHead, from: number, to: number): AsyncGenerator<string> {
    for (let start = from; start <= to; start += EXPORT_PIECE_ENTRIES) {
      const end = Math.min(start + EXPORT_PIECE_ENTRIES - 1, to);
      yield await withTenant(this.dataSource, tenantId, (manager) => this.piece(manager, tenantId, head.tree_size, start, end));
    }
    yield exportTreeHeadLine(head);
  }

  private async piece(manager: EntityManager, tenantId: string, treeSize: number, start: number, end: number): Promise<string> {
    const rows = await this.log.range(manager, tenantId, start, end);
    if (rows.length !== end - start + 1) throw new Error(`audit log ${logNameOf(tenantId)}: entries ${start}-${end} are not all there`);
    const plans = rows.map((row) => inclusionPlan(row.idx, treeSize));
    const nodes = await this.log.requiredNodes(manager, tenantId, plans.flat(2));
    return rows.map((row: StoredEntry, i) => exportEntryLine(row.idx, row.entry, row.leafHash, plans[i]!.map((refs) => foldRange(refs.map(nodes))))).join('');
  }
}
