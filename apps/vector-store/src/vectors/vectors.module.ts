// The vector backend and the collections, from the service's configuration: global, because the
// platform's subject operations (VectorSubjectData) reach the backend as the documents do.
import { readFileSync } from 'node:fs';
import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG } from '@gardien/platform';
import { CollectionCatalogue, loadCollections } from '../collections/collection-catalogue.js';
import type { VectorStoreConfig } from '../config.js';
import { EmbeddedVectorBackend } from './embedded-vector-backend.js';
import { QdrantVectorBackend } from './qdrant-vector-backend.js';
import { VECTOR_BACKEND, type VectorBackend } from './vector-backend.port.js';

export function backendFor(config: VectorStoreConfig, dataSource: DataSource): VectorBackend {
  switch (config.GARDIEN_VECTOR_BACKEND) {
    case 'embedded':
      return new EmbeddedVectorBackend(dataSource, { maxCachedPoints: config.GARDIEN_VECTOR_INDEX_MAX_POINTS });
    case 'qdrant': {
      const apiKey = config.GARDIEN_QDRANT_API_KEY_FILE ? readFileSync(config.GARDIEN_QDRANT_API_KEY_FILE, 'utf8').trim() : undefined;
      return new QdrantVectorBackend({ url: config.GARDIEN_QDRANT_URL!, ...(apiKey ? { apiKey } : {}) });
    }
  }
}

@Global()
@Module({
  providers: [
    {
      provide: CollectionCatalogue,
      inject: [SERVICE_CONFIG],
      useFactory: (config: VectorStoreConfig) =>
        new CollectionCatalogue(loadCollections(config.GARDIEN_VECTOR_COLLECTIONS_FILE, { model: config.GARDIEN_EMBEDDING_MODEL, dimensions: config.GARDIEN_EMBEDDING_DIMENSIONS, ...(config.GARDIEN_EMBEDDING_CHUNK_CHARS ? { chunkChars: config.GARDIEN_EMBEDDING_CHUNK_CHARS } : {}) })),
    },
    { provide: VECTOR_BACKEND, inject: [SERVICE_CONFIG, DataSource], useFactory: backendFor },
  ],
  exports: [CollectionCatalogue, VECTOR_BACKEND],
})
export class VectorsModule {}
