// The access condition a search filters on, from the one ability factory: per role, which
// classifications are readable in any document and which in the caller's own only; and the list of
// classifications is the one libs/authz's conditions read.
import { CLASSIFICATIONS, defineAbilityFor, type Principal } from '@gardien/authz';
import { DOCUMENT_CLASSIFICATIONS } from '@gardien/contracts';
import { accessConditionOf } from './document-access.js';

const tenantId = '11111111-1111-4111-8111-111111111111';
const principal = (roles: Principal['roles'], kind: Principal['kind'] = 'user'): Principal => ({ kind, id: 'p-1', tenantId, roles, mfa: true });
const conditionOf = (p: Principal) => accessConditionOf(defineAbilityFor(p), tenantId, p.id);

test('the contracts list the classifications libs/authz knows', () => {
  expect([...DOCUMENT_CLASSIFICATIONS]).toEqual([...CLASSIFICATIONS]);
});

test('per role: a user its own documents, a developer up to confidential, a DPO all, others nothing', () => {
  expect(conditionOf(principal(['user']))).toEqual({ anyOwner: [], ownOnly: { ownerId: 'p-1', classifications: [...CLASSIFICATIONS] } });
  expect(conditionOf(principal(['developer']))).toEqual({ anyOwner: ['public', 'internal', 'confidential'], ownOnly: null });
  expect(conditionOf(principal(['developer', 'user']))).toEqual({ anyOwner: ['public', 'internal', 'confidential'], ownOnly: { ownerId: 'p-1', classifications: ['health'] } });
  expect(conditionOf(principal(['dpo']))).toEqual({ anyOwner: [...CLASSIFICATIONS], ownOnly: null });
  for (const nothing of [principal(['tenant_admin']), principal(['auditor']), principal(['developer'], 'api_key'), principal(['service'], 'service')]) {
    expect(conditionOf(nothing)).toEqual({ anyOwner: [], ownOnly: null });
  }
});
