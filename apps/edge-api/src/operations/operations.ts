// Every public operation of the edge, once, gathered from one file per service. REST routes, the
// OpenAPI document and the GraphQL schema are all built from this table, so the two surfaces offer
// the same operations by construction.
import { AUDIT_EDGE_OPERATIONS } from './audit.operations.js';
import { AUTH_EDGE_OPERATIONS } from './auth.operations.js';
import { LLM_EDGE_OPERATIONS } from './llm.operations.js';
import type { Operation } from './operation.js';
import { TENANT_EDGE_OPERATIONS } from './tenant.operations.js';
import { VECTOR_STORE_EDGE_OPERATIONS } from './vector-store.operations.js';

export const OPERATIONS: readonly Operation[] = [...AUTH_EDGE_OPERATIONS, ...TENANT_EDGE_OPERATIONS, ...AUDIT_EDGE_OPERATIONS, ...LLM_EDGE_OPERATIONS, ...VECTOR_STORE_EDGE_OPERATIONS];
