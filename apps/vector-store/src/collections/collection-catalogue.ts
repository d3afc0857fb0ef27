// The collections a tenant may store documents in and search: each names its embedding model, the
// model's dimension and the metadata fields its documents may carry (and searches filter on).
// Declared by the operator (GARDIEN_VECTOR_COLLECTIONS_FILE), the same for every tenant; each
// tenant's documents stay its own. One vector space per model and dimension: collections that share
// a model share its Qdrant collection, told apart by a payload field.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { StartupConfigError } from '@gardien/bootstrap';
import { CollectionId, MetadataField, ModelName, type CollectionDescription } from '@gardien/contracts';
import { VectorStoreReason, vectorStoreError } from '../vector-store.errors.js';
import type { VectorSpace } from '../vectors/vector-backend.port.js';

export const CollectionSpec = z
  .object({
    id: CollectionId,
    model: ModelName,
    dimensions: z.number().int().min(1).max(4_096),
    metadata_fields: z.array(MetadataField).max(16).default([]),
    /** Characters of a chunk at most (1,000 by default): the embedding model's context must hold one. */
    chunk_chars: z.number().int().min(200).max(4_000).optional(),
  })
  .strict();
export type CollectionSpec = z.infer<typeof CollectionSpec>;

export const CollectionsFile = z
  .object({ collections: z.array(CollectionSpec).min(1).max(100) })
  .strict()
  .refine(({ collections }) => new Set(collections.map((c) => c.id)).size === collections.length, { message: 'collection ids must be unique' });

export class CollectionCatalogue {
  private readonly byId: ReadonlyMap<string, CollectionSpec>;

  constructor(collections: readonly CollectionSpec[]) {
    this.byId = new Map(collections.map((collection) => [collection.id, collection]));
  }

  /** The collection, or `unknown_collection` (400). */
  get(id: string): CollectionSpec {
    const collection = this.byId.get(id);
    if (!collection) throw vectorStoreError(VectorStoreReason.UnknownCollection, { details: [{ path: 'collection', reason: 'unknown_collection' }] });
    return collection;
  }

  /** Every vector space of the catalogue, once each. */
  spaces(): VectorSpace[] {
    const spaces = new Map<string, VectorSpace>();
    for (const { model, dimensions } of this.byId.values()) spaces.set(`${model}#${dimensions}`, { model, dimensions });
    return [...spaces.values()];
  }

  describe(): CollectionDescription[] {
    return [...this.byId.values()].map(({ id, model, dimensions, metadata_fields }) => ({ id, model, dimensions, metadata_fields: [...metadata_fields] }));
  }
}

export function spaceOf(collection: CollectionSpec): VectorSpace {
  return { model: collection.model, dimensions: collection.dimensions };
}

/** A collections file that cannot be used: the vector store stops at start, exit 78, naming the file and the first problem. */
export class CollectionsFileError extends StartupConfigError {
  constructor(problem: string) {
    super('GARDIEN_VECTOR_COLLECTIONS_FILE', problem);
    this.name = 'CollectionsFileError';
  }
}

/** The operator's collections file; without one, a single collection `documents` of the default embedding model. */
export function loadCollections(file: string | undefined, defaults: { model: string; dimensions: number; chunkChars?: number }): CollectionSpec[] {
  if (!file) return [{ id: 'documents', model: defaults.model, dimensions: defaults.dimensions, metadata_fields: [], ...(defaults.chunkChars ? { chunk_chars: defaults.chunkChars } : {}) }];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CollectionsFileError(`cannot read ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CollectionsFileError(`${file} is not JSON`);
  }
  const parsed = CollectionsFile.safeParse(json);
  // The schema's path and code only: its messages may quote what the file holds.
  if (!parsed.success) throw new CollectionsFileError(`${file}: ${parsed.error.issues[0]!.path.join('.') || '(root)'}: ${parsed.error.issues[0]!.code}`);
  return parsed.data.collections;
}
