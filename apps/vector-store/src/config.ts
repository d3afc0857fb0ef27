import { z } from 'zod';
import { ServiceConfigSchema } from '@gardien/bootstrap';
import { ModelName } from '@gardien/contracts';

/** Configuration of the vector-store service, validated at boot. */
export const VectorStoreConfigSchema = ServiceConfigSchema.extend({
  /** `embedded` (vectors in the service's Postgres, searched in memory) or `qdrant` (production). */
  GARDIEN_VECTOR_BACKEND: z.enum(['embedded', 'qdrant']).default('embedded'),
  /** Qdrant's REST address (`http://qdrant:6333`): required with the qdrant backend. */
  GARDIEN_QDRANT_URL: z.string().url().optional(),
  /** A file holding Qdrant's API key, if it wants one (read at boot, never printed). */
  GARDIEN_QDRANT_API_KEY_FILE: z.string().min(1).optional(),
  /** The collections (JSON: `{"collections":[{"id","model","dimensions","metadata_fields"}]}`); none: one collection `documents`. */
  GARDIEN_VECTOR_COLLECTIONS_FILE: z.string().min(1).optional(),
  /** The model and dimension of the default collection `documents` (when no collections file is given): the generated demo model, whose vectors have 64 dimensions. */
  GARDIEN_EMBEDDING_MODEL: ModelName.default('gardien-demo'),
  GARDIEN_EMBEDDING_DIMENSIONS: z.coerce.number().int().min(1).max(4_096).default(64),
  /** The default collection's chunk size in characters (1,000 when unset): the embedding model's context must hold one. */
  GARDIEN_EMBEDDING_CHUNK_CHARS: z.coerce.number().int().min(200).max(4_000).optional(),
  /** Vectors the embedded backend keeps in memory, all tenants together (least recently searched indexes go first). */
  GARDIEN_VECTOR_INDEX_MAX_POINTS: z.coerce.number().int().min(1_000).max(50_000_000).default(200_000),
  /** Documents embedded at once by one replica, and documents waiting; more are refused (503, ingestion_queue_full). */
  GARDIEN_INGESTION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  GARDIEN_INGESTION_QUEUE: z.coerce.number().int().min(1).max(10_000).default(64),
  /** Documents of one tenant running or waiting at once in one replica; more are refused (429, ingestion_tenant_limit). */
  GARDIEN_INGESTION_PER_TENANT: z.coerce.number().int().min(1).max(10_000).default(16),
}).superRefine((config, context) => {
  if (config.GARDIEN_VECTOR_BACKEND === 'qdrant' && !config.GARDIEN_QDRANT_URL) {
    context.addIssue({ code: 'custom', path: ['GARDIEN_QDRANT_URL'], message: 'required with the qdrant backend' });
  }
});
export type VectorStoreConfig = z.infer<typeof VectorStoreConfigSchema>;
