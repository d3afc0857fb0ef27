// The audit service's operations on the public surfaces: read-only, for auditors and DPOs (each
// service checks who may read which log), and the verification keys, public. `tenant_id` in the
// query names another log than the caller's own: only platform auditors may.
import { AUDIT_OPERATIONS } from '@gardien/contracts';
import { defineOperation, type Operation } from './operation.js';

const authenticated = 'authenticated' as const;

export const AUDIT_EDGE_OPERATIONS: readonly Operation[] = [
  defineOperation({
    bus: AUDIT_OPERATIONS.listEntries,
    summary: 'Entries of an audit log, filtered (time range, action, actor, target, outcome) and paginated',
    method: 'GET',
    path: '/audit/entries',
    query: ['tenant_id', 'from', 'to', 'action', 'actor', 'target', 'outcome', 'after', 'limit'],
    graphql: { type: 'query', field: 'auditEntries' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
  defineOperation({
    bus: AUDIT_OPERATIONS.treeHead,
    summary: 'The latest signed tree head of an audit log',
    method: 'GET',
    path: '/audit/tree-head',
    query: ['tenant_id'],
    graphql: { type: 'query', field: 'auditTreeHead' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
  defineOperation({
    bus: AUDIT_OPERATIONS.treeHeads,
    summary: 'Past signed tree heads of an audit log, newest first',
    method: 'GET',
    path: '/audit/tree-heads',
    query: ['tenant_id', 'before_size', 'limit'],
    graphql: { type: 'query', field: 'auditTreeHeads' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
  defineOperation({
    bus: AUDIT_OPERATIONS.inclusionProof,
    summary: 'The inclusion proof of an entry in the tree of a given size (RFC 9162)',
    method: 'GET',
    path: '/audit/proofs/inclusion',
    query: ['tenant_id', 'index', 'tree_size'],
    graphql: { type: 'query', field: 'auditInclusionProof' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
  defineOperation({
    bus: AUDIT_OPERATIONS.consistencyProof,
    summary: 'The consistency proof between two sizes of an audit log (RFC 9162)',
    method: 'GET',
    path: '/audit/proofs/consistency',
    query: ['tenant_id', 'first', 'second'],
    graphql: { type: 'query', field: 'auditConsistencyProof' },
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
  defineOperation({
    bus: AUDIT_OPERATIONS.publicKeys,
    summary: 'The keys that verify tree heads (a JWK set; kid = key_id)',
    method: 'GET',
    path: '/audit/public-key',
    graphql: { type: 'query', field: 'auditPublicKeys' },
    auth: 'public',
    isolation: 'public',
  }),
  defineOperation({
    bus: AUDIT_OPERATIONS.export,
    summary: 'Export of an audit log (or the range from-to of it) as JSON Lines, to check with `gardien audit verify`',
    method: 'GET',
    path: '/audit/export',
    query: ['tenant_id', 'from', 'to'],
    graphql: null,
    operationId: 'auditExport',
    reply: 'lines',
    auth: authenticated,
    isolation: 'tenant-resource',
  }),
];
