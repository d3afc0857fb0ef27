// What a caller may read of a tenant's documents, from the one ability factory (libs/authz): the
// classification is an ABAC condition of `read` on Document, with ownership for some roles (a
// `user` reads its own documents; a developer those up to `confidential`, whoever ingested them;
// a DPO every one). Asked of the ability for each classification, with an owner that is not the
// caller and with the caller as owner, it becomes the AccessCondition a backend filters on; each
// result is then checked again against the document itself.
import { randomUUID } from 'node:crypto';
import { isAllowed, type AppAbility } from '@gardien/authz';
import { DOCUMENT_CLASSIFICATIONS } from '@gardien/contracts';
import type { AccessCondition } from '../vectors/vector-backend.port.js';

export function accessConditionOf(ability: AppAbility, tenantId: string, principalId: string): AccessCondition {
  const stranger = `not-${randomUUID()}`;
  const anyOwner = DOCUMENT_CLASSIFICATIONS.filter((classification) => isAllowed(ability, 'read', 'Document', { tenantId, ownerId: stranger, classification }));
  const own = DOCUMENT_CLASSIFICATIONS.filter(
    (classification) => !anyOwner.includes(classification) && isAllowed(ability, 'read', 'Document', { tenantId, ownerId: principalId, classification }),
  );
  return { anyOwner, ownOnly: own.length > 0 ? { ownerId: principalId, classifications: own } : null };
}
