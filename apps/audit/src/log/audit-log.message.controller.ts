import { Controller } from '@nestjs/common';
import { from, type Observable } from 'rxjs';
import {
  AUDIT_OPERATIONS,
  type AuditEntriesQuery,
  type AuditEntryPage,
  type AuditExportChunk,
  type AuditExportQuery,
  type AuditLogRef,
  type AuditPublicKeys,
  type Caller,
  type ConsistencyProof,
  type ConsistencyProofQuery,
  type InclusionProof,
  type InclusionProofQuery,
  type TreeHead,
  type TreeHeadList,
  type TreeHeadsQuery,
} from '@gardien/contracts';
import { CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { authorizedLog } from '../access/audit-access.js';
import { TreeHeadSigner } from '../heads/tree-head-signer.js';
import { AuditLogReader } from './audit-log.reader.js';

@Controller()
export class AuditLogMessageController {
  constructor(
    private readonly reader: AuditLogReader,
    private readonly signer: TreeHeadSigner,
  ) {}

  @Handles(AUDIT_OPERATIONS.listEntries)
  entries(@RequestPayload() query: AuditEntriesQuery, @CurrentCaller() caller: Caller): Promise<AuditEntryPage> {
    return this.reader.entries(authorizedLog(caller, query.tenant_id, 'read'), query);
  }

  @Handles(AUDIT_OPERATIONS.treeHead)
  treeHead(@RequestPayload() ref: AuditLogRef, @CurrentCaller() caller: Caller): Promise<TreeHead> {
    return this.reader.treeHead(authorizedLog(caller, ref.tenant_id, 'verify'));
  }

  @Handles(AUDIT_OPERATIONS.treeHeads)
  treeHeads(@RequestPayload() query: TreeHeadsQuery, @CurrentCaller() caller: Caller): Promise<TreeHeadList> {
    return this.reader.treeHeads(authorizedLog(caller, query.tenant_id, 'verify'), query);
  }

  @Handles(AUDIT_OPERATIONS.inclusionProof)
  inclusionProof(@RequestPayload() query: InclusionProofQuery, @CurrentCaller() caller: Caller): Promise<InclusionProof> {
    return this.reader.inclusionProof(authorizedLog(caller, query.tenant_id, 'verify'), query);
  }

  @Handles(AUDIT_OPERATIONS.consistencyProof)
  consistencyProof(@RequestPayload() query: ConsistencyProofQuery, @CurrentCaller() caller: Caller): Promise<ConsistencyProof> {
    return this.reader.consistencyProof(authorizedLog(caller, query.tenant_id, 'verify'), query);
  }

  /** Public: the keys to check a tree head with, every one ever used. */
  @Handles(AUDIT_OPERATIONS.publicKeys)
  publicKeys(): Promise<AuditPublicKeys> {
    return this.signer.publicKeys();
  }

  @Handles(AUDIT_OPERATIONS.export)
  export(@RequestPayload() query: AuditExportQuery, @CurrentCaller() caller: Caller): Observable<AuditExportChunk> {
    const log = authorizedLog(caller, query.tenant_id, 'export');
    return from(this.chunks(log, query));
  }

  private async *chunks(log: string, query: AuditExportQuery): AsyncGenerator<AuditExportChunk> {
    for await (const lines of await this.reader.export(log, query)) yield { lines };
  }
}
