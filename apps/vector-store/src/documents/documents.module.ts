import { Module } from '@nestjs/common';
import { DelegatedTokens } from '@gardien/authz';
import { BusClient } from '@gardien/contracts';
import { SERVICE_CONFIG } from '@gardien/platform';
import type { VectorStoreConfig } from '../config.js';
import { SearchService } from '../search/search.service.js';
import { ChunkCodec } from './chunk-codec.js';
import { DocumentExpiry } from './document-expiry.js';
import { DocumentIngestion, INGESTION_LIMITS, type IngestionLimits } from './document-ingestion.js';
import { PurposeRetentions, TenantPurposeRetentions } from './document-retention.js';
import { DocumentStore } from './document-store.js';
import { DocumentsMessageController } from './documents.message.controller.js';
import { DocumentsRepository } from './documents.repository.js';
import { DocumentsService } from './documents.service.js';
import { Embedder, GatewayEmbedder } from './embedder.js';

@Module({
  controllers: [DocumentsMessageController],
  providers: [
    DocumentsRepository,
    ChunkCodec,
    DocumentStore,
    DocumentIngestion,
    DocumentsService,
    SearchService,
    {
      provide: INGESTION_LIMITS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: VectorStoreConfig): IngestionLimits => ({ concurrency: config.GARDIEN_INGESTION_CONCURRENCY, queue: config.GARDIEN_INGESTION_QUEUE, perTenant: config.GARDIEN_INGESTION_PER_TENANT }),
    },
    { provide: DelegatedTokens, inject: [BusClient], useFactory: (bus: BusClient) => new DelegatedTokens(bus, 'vector-store') },
    { provide: Embedder, useClass: GatewayEmbedder },
    { provide: PurposeRetentions, useClass: TenantPurposeRetentions },
    DocumentExpiry,
  ],
})
export class DocumentsModule {}
