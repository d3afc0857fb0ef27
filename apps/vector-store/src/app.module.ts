import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, type PlatformResources } from '@gardien/platform';
import { DocumentsModule } from './documents/documents.module.js';
import { VectorSubjectData } from './subject-data/vector-subject-data.js';
import { TenantLifecycleModule } from './tenant-lifecycle/tenant-lifecycle.module.js';
import { VectorsModule } from './vectors/vectors.module.js';

@Module({})
export class AppModule {
  static register(resources: PlatformResources): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService(resources, { subjectData: VectorSubjectData }), VectorsModule, DocumentsModule, TenantLifecycleModule],
    };
  }
}
