// The vector-store service's migrations, in order (the platform's own come first: libs/persistence declaredMigrations).
import { CreateVectorStore1733400000000 } from './1733400000000-create-vector-store.js';
import { AddDocumentExpiry1733500000000 } from './1733500000000-add-document-expiry.js';

export const VECTOR_STORE_MIGRATIONS = [CreateVectorStore1733400000000, AddDocumentExpiry1733500000000];
