// The vector store's subject operations: the platform's (driven by the data inventory: export,
// erasure of the subject's documents, chunks and vectors in Postgres, then destruction of its data
// key), with the subject's points removed from the vector backend first. Qdrant unreachable: the
// erasure fails before anything is erased, and the rights pipeline retries it.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BlindIndex, SubjectKeyRing } from '@gardien/crypto';
import type { SubjectErasure, SubjectExport, SubjectRestriction } from '@gardien/contracts';
import { DeclaredSubjectData, type DataInventoryDeclaration, type SubjectDataOperations, type SubjectOperationContext, type SubjectScope } from '@gardien/persistence';
import { DATA_INVENTORY } from '@gardien/platform';
import { CollectionCatalogue } from '../collections/collection-catalogue.js';
import { VECTOR_BACKEND, type VectorBackend } from '../vectors/vector-backend.port.js';

@Injectable()
export class VectorSubjectData implements SubjectDataOperations {
  private readonly declared: DeclaredSubjectData;

  constructor(
    dataSource: DataSource,
    @Inject(DATA_INVENTORY) inventory: DataInventoryDeclaration,
    keyRing: SubjectKeyRing,
    blindIndex: BlindIndex,
    @Inject(VECTOR_BACKEND) private readonly backend: VectorBackend,
    private readonly catalogue: CollectionCatalogue,
  ) {
    this.declared = new DeclaredSubjectData({ dataSource, inventory, keyRing, blindIndex });
  }

  export(scope: SubjectScope, context: SubjectOperationContext): Promise<SubjectExport> {
    return this.declared.export(scope, context);
  }

  async erase(scope: SubjectScope, context: SubjectOperationContext): Promise<SubjectErasure> {
    await this.backend.deleteSubject(scope.tenantId, scope.subjectId, this.catalogue.spaces());
    return this.declared.erase(scope, context);
  }

  restrict(scope: SubjectScope, restricted: boolean, context: SubjectOperationContext): Promise<SubjectRestriction> {
    return this.declared.restrict(scope, restricted, context);
  }
}
