// The policy as a table: for each role, what it may and may not do. Every allowed check on a
// tenant-owned resource is replayed on another tenant's resource and must be refused, and every
// privileged role's allowed checks are replayed without MFA and must be refused.
import {
  defineAbilityFor,
  isAllowed,
  MFA_REQUIRED_ROLES,
  type ActionOn,
  type AppAbility,
  type Classification,
  type Principal,
  type Role,
  type SubjectAttributes,
  type SubjectType,
} from './index.js';

const TENANT_A = 'tenant-a';
const TENANT_B = 'tenant-b';
const ME = 'principal-me';
const OTHER = 'principal-other';

interface Check {
  label: string;
  type: SubjectType;
  allowedBy(ability: AppAbility): boolean;
  /** The same check on a resource of another tenant, when the resource belongs to a tenant. */
  inOtherTenant?: Check;
}

function check<S extends SubjectType>(action: ActionOn<S>, type: S, attributes: SubjectAttributes[S], what = ''): Check {
  const plain = checkOnly(action, type, attributes, what);
  if (!('tenantId' in attributes)) return plain;
  return { ...plain, inOtherTenant: checkOnly(action, type, { ...attributes, tenantId: TENANT_B }, what ? `${what}, other tenant` : 'other tenant') };
}

function checkOnly<S extends SubjectType>(action: ActionOn<S>, type: S, attributes: SubjectAttributes[S], what: string): Check {
  return { label: `${action} ${type}${what ? ` (${what})` : ''}`, type, allowedBy: (ability) => isAllowed(ability, action, type, attributes) };
}

function principal(roles: Role[], overrides: Partial<Principal> = {}): Principal {
  return { kind: 'user', id: ME, tenantId: TENANT_A, roles, mfa: true, ...overrides };
}

const doc = (classification: Classification, ownerId = OTHER): SubjectAttributes['Document'] => ({ tenantId: TENANT_A, ownerId, classification });
const user = (id: string): SubjectAttributes['User'] => ({ tenantId: TENANT_A, id });
const apiKey = (ownerId: string): SubjectAttributes['ApiKey'] => ({ tenantId: TENANT_A, ownerId });
const consent = (subjectId: string): SubjectAttributes['Consent'] => ({ tenantId: TENANT_A, subjectId });
const inTenant = { tenantId: TENANT_A };
const inventory = { service: 'auth' };
const subjectData = { tenantId: TENANT_A, subjectId: OTHER };
const call = { tenantId: TENANT_A, purpose: 'support', model: 'mistral-7b' };

interface RoleCase {
  role: Role;
  principal: Principal;
  allowed: Check[];
  refused: Check[];
}

const roleCases: RoleCase[] = [
  {
    role: 'superadmin',
    principal: principal(['superadmin'], { tenantId: null }),
    allowed: [
      ...(['create', 'read', 'update', 'suspend', 'delete'] as const).map((action) => check(action, 'Tenant', { id: TENANT_A })),
      check('read', 'TenantSettings', { tenantId: TENANT_A }),
      check('read', 'TenantSettings', { tenantId: TENANT_B }),
      check('read', 'DataInventory', inventory),
    ],
    refused: [
      ...(['export', 'erase', 'restrict'] as const).map((action) => check(action, 'SubjectData', subjectData)),
      ...(['create', 'read', 'update', 'delete'] as const).map((action) => check(action, 'User', user(OTHER))),
      check('read', 'Document', doc('public')),
      check('read', 'AuditEntry', inTenant),
      check('export', 'AuditEntry', inTenant),
      check('read', 'Consent', consent(OTHER)),
      check('read', 'DataSubjectRequest', inTenant),
      check('approve', 'DataSubjectRequest', inTenant),
      check('read', 'Role', inTenant),
      check('read', 'Purpose', inTenant),
      check('create', 'ApiKey', apiKey(ME)),
      check('update', 'TenantSettings', inTenant),
      check('invoke', 'ModelCall', call),
    ],
  },
  {
    role: 'tenant_admin',
    principal: principal(['tenant_admin']),
    allowed: [
      ...(['create', 'read', 'update', 'delete'] as const).flatMap((action) => [
        check(action, 'User', user(OTHER)),
        check(action, 'Role', inTenant),
        check(action, 'ApiKey', apiKey(OTHER)),
        check(action, 'Purpose', inTenant),
        check(action, 'TenantSettings', inTenant),
      ]),
      check('rotate', 'ApiKey', apiKey(OTHER)),
    ],
    refused: [
      check('read', 'Tenant', { id: TENANT_A }),
      check('suspend', 'Tenant', { id: TENANT_A }),
      check('read', 'AuditEntry', inTenant),
      check('read', 'Document', doc('public')),
      check('read', 'Consent', consent(OTHER)),
      check('read', 'DataSubjectRequest', inTenant),
      check('approve', 'DataSubjectRequest', inTenant),
      check('invoke', 'ModelCall', call),
      check('read', 'DataInventory', inventory),
      check('erase', 'SubjectData', subjectData),
    ],
  },
  {
    role: 'dpo',
    principal: principal(['dpo']),
    allowed: [
      ...(['create', 'read', 'approve', 'reject'] as const).map((action) => check(action, 'DataSubjectRequest', inTenant)),
      check('read', 'Consent', consent(OTHER)),
      check('read', 'Purpose', inTenant),
      check('read', 'Document', doc('public')),
      check('read', 'Document', doc('health'), 'health'),
      check('read', 'DataInventory', inventory),
      ...(['read', 'export', 'verify'] as const).map((action) => check(action, 'AuditEntry', inTenant)),
    ],
    refused: [
      // The DPO approves requests; the rights pipeline executes them, with its own token.
      ...(['export', 'erase', 'restrict'] as const).map((action) => check(action, 'SubjectData', subjectData)),
      check('delete', 'DataSubjectRequest', inTenant),
      check('update', 'Consent', consent(OTHER)),
      check('create', 'Purpose', inTenant),
      check('update', 'Document', doc('health')),
      check('read', 'User', user(OTHER)),
      check('invoke', 'ModelCall', call),
    ],
  },
  {
    role: 'auditor',
    principal: principal(['auditor']),
    allowed: [...(['read', 'export', 'verify'] as const).map((action) => check(action, 'AuditEntry', inTenant)), check('read', 'DataInventory', inventory)],
    refused: [
      check('export', 'SubjectData', subjectData),
      check('read', 'Document', doc('public')),
      check('read', 'User', user(OTHER)),
      check('read', 'DataSubjectRequest', inTenant),
      check('read', 'Consent', consent(OTHER)),
      check('read', 'Purpose', inTenant),
      check('read', 'TenantSettings', inTenant),
      check('invoke', 'ModelCall', call),
    ],
  },
  {
    role: 'developer',
    principal: principal(['developer'], { mfa: false }),
    allowed: [
      check('invoke', 'ModelCall', call),
      check('invoke', 'ModelCall', { ...call, purpose: 'any-declared-purpose' }, 'humans are not purpose-bound here'),
      ...(['create', 'read', 'rotate', 'delete'] as const).map((action) => check(action, 'ApiKey', apiKey(ME), 'own')),
      check('read', 'Purpose', inTenant),
      check('read', 'Document', doc('public'), 'public'),
      check('read', 'Document', doc('internal'), 'internal'),
      check('read', 'Document', doc('confidential'), 'confidential'),
    ],
    refused: [
      check('read', 'Document', doc('health'), 'health'),
      check('read', 'Document', doc('health', ME), 'own health'),
      check('update', 'Document', doc('public')),
      ...(['create', 'read', 'rotate', 'delete'] as const).map((action) => check(action, 'ApiKey', apiKey(OTHER), "someone else's")),
      check('update', 'ApiKey', apiKey(ME), 'own'),
      check('create', 'Purpose', inTenant),
      check('read', 'User', user(ME), 'self'),
      check('read', 'AuditEntry', inTenant),
      check('approve', 'DataSubjectRequest', inTenant),
      check('read', 'DataInventory', inventory),
    ],
  },
  {
    role: 'user',
    principal: principal(['user'], { mfa: false }),
    allowed: [
      check('invoke', 'ModelCall', call),
      check('read', 'User', user(ME), 'self'),
      check('update', 'User', user(ME), 'self'),
      ...(['create', 'read', 'update', 'delete'] as const).map((action) => check(action, 'Document', doc('health', ME), 'own')),
      check('create', 'Consent', consent(ME), 'own'),
      check('read', 'Consent', consent(ME), 'own'),
    ],
    refused: [
      check('read', 'User', user(OTHER), 'someone else'),
      check('update', 'User', user(OTHER), 'someone else'),
      check('delete', 'User', user(ME), 'self'),
      ...(['create', 'read', 'update', 'delete'] as const).map((action) => check(action, 'Document', doc('public', OTHER), "someone else's")),
      check('create', 'Consent', consent(OTHER), 'for someone else'),
      check('read', 'Consent', consent(OTHER), "someone else's"),
      check('update', 'Consent', consent(ME), 'own'),
      check('read', 'Purpose', inTenant),
      check('create', 'ApiKey', apiKey(ME), 'own'),
      check('read', 'Role', inTenant),
      check('read', 'DataInventory', inventory),
      check('export', 'SubjectData', { tenantId: TENANT_A, subjectId: ME }, 'own'),
    ],
  },
  {
    role: 'service',
    principal: principal(['service'], { kind: 'service', purposes: ['support'], models: ['mistral-7b'] }),
    allowed: [check('invoke', 'ModelCall', call)],
    refused: [
      check('invoke', 'ModelCall', { ...call, purpose: 'marketing' }, 'purpose not bound'),
      check('invoke', 'ModelCall', { ...call, model: 'llama-70b' }, 'model not bound'),
      check('read', 'Document', doc('public')),
      check('create', 'ApiKey', apiKey(ME)),
      check('read', 'Purpose', inTenant),
      check('read', 'DataInventory', inventory),
    ],
  },
];

/** Rows for test.each: the label for the title, the check to run. */
const rows = (checks: Check[]): [string, Check][] => checks.map((c) => [c.label, c]);

describe.each(roleCases)('$role', ({ principal: caller, allowed, refused }) => {
  const ability = defineAbilityFor(caller);

  test.each(rows(allowed))('may %s', (_label, c) => {
    expect(c.allowedBy(ability)).toBe(true);
  });

  test.each(rows(refused))('may not %s', (_label, c) => {
    expect(c.allowedBy(ability)).toBe(false);
  });

  const crossTenant = caller.tenantId === null ? [] : allowed.flatMap((c) => (c.inOtherTenant ? [c.inOtherTenant] : []));
  if (crossTenant.length > 0) {
    test.each(rows(crossTenant))('may not %s', (_label, c) => {
      expect(c.allowedBy(ability)).toBe(false);
    });
  }
});

describe('a platform auditor (role auditor, no tenant)', () => {
  const auditor = principal(['auditor'], { tenantId: null });
  const PLATFORM = '00000000-0000-0000-0000-000000000000';

  test("reads and exports the platform's log and every tenant's", () => {
    const ability = defineAbilityFor(auditor);
    for (const tenantId of [PLATFORM, TENANT_A, TENANT_B]) for (const action of ['read', 'export', 'verify'] as const) expect(isAllowed(ability, action, 'AuditEntry', { tenantId })).toBe(true);
  });

  test("reads nothing else of a tenant's, and gets nothing without MFA or as an API key", () => {
    const ability = defineAbilityFor(auditor);
    expect([isAllowed(ability, 'read', 'User', user(OTHER)), isAllowed(ability, 'read', 'Tenant', { id: TENANT_A }), isAllowed(ability, 'read', 'Document', doc('public')), isAllowed(ability, 'read', 'TenantSettings', inTenant)]).toEqual([false, false, false, false]);
    expect(defineAbilityFor({ ...auditor, mfa: false }).rules).toEqual([]);
    expect(isAllowed(defineAbilityFor({ ...auditor, kind: 'api_key' }), 'read', 'AuditEntry', inTenant)).toBe(false);
  });
});

/** Resources of no tenant: a tenant role may read the inventories (declarations, no data), nothing else of them. */
const TENANTLESS: readonly SubjectType[] = ['Tenant', 'DataInventory'];

test('every tenant-scoped role has its cross-tenant refusals, and reaches nothing of no tenant but the inventories', () => {
  for (const { principal: caller, allowed } of roleCases) {
    if (caller.tenantId === null) continue;
    expect(allowed.filter((c) => !TENANTLESS.includes(c.type)).every((c) => c.inOtherTenant !== undefined)).toBe(true);
    expect(allowed.filter((c) => TENANTLESS.includes(c.type)).map((c) => c.label).filter((label) => label !== 'read DataInventory')).toEqual([]);
  }
});

describe('without MFA, privileged roles get nothing', () => {
  const privileged = roleCases.filter(({ role }) => MFA_REQUIRED_ROLES.includes(role));

  test('every privileged role is in the table', () => {
    expect(privileged.map(({ role }) => role).sort()).toEqual([...MFA_REQUIRED_ROLES].sort());
  });

  describe.each(privileged)('$role', ({ principal: caller, allowed }) => {
    const ability = defineAbilityFor({ ...caller, mfa: false });

    test('has no rule at all', () => {
      expect(ability.rules).toEqual([]);
    });

    test.each(rows(allowed))('may not %s', (_label, c) => {
      expect(c.allowedBy(ability)).toBe(false);
    });
  });

  test('keeps the grants of its non-privileged roles', () => {
    const ability = defineAbilityFor(principal(['tenant_admin', 'user'], { mfa: false }));
    expect(isAllowed(ability, 'read', 'User', user(ME))).toBe(true);
    expect(isAllowed(ability, 'read', 'User', user(OTHER))).toBe(false);
  });
});

describe('API keys and service accounts', () => {
  const key = (overrides: Partial<Principal>): AppAbility =>
    defineAbilityFor(principal(['developer'], { kind: 'api_key', mfa: false, purposes: ['support'], ...overrides }));

  test('call models for their purposes, on any model when none is bound', () => {
    const ability = key({});
    expect(isAllowed(ability, 'invoke', 'ModelCall', call)).toBe(true);
    expect(isAllowed(ability, 'invoke', 'ModelCall', { ...call, model: 'llama-70b' })).toBe(true);
  });

  test('may not call a model for another purpose', () => {
    expect(isAllowed(key({}), 'invoke', 'ModelCall', { ...call, purpose: 'marketing' })).toBe(false);
  });

  test('may not call a model outside their bound models', () => {
    const ability = key({ models: ['mistral-7b'] });
    expect(isAllowed(ability, 'invoke', 'ModelCall', call)).toBe(true);
    expect(isAllowed(ability, 'invoke', 'ModelCall', { ...call, model: 'llama-70b' })).toBe(false);
  });

  test('may not call anything when bound to no purpose', () => {
    expect(isAllowed(key({ purposes: [] }), 'invoke', 'ModelCall', call)).toBe(false);
    expect(isAllowed(key({ purposes: undefined }), 'invoke', 'ModelCall', call)).toBe(false);
  });

  test('may not call a model of another tenant', () => {
    expect(isAllowed(key({}), 'invoke', 'ModelCall', { ...call, tenantId: TENANT_B })).toBe(false);
  });

  test('get nothing but model calls, whatever roles they carry', () => {
    const developerKey = key({});
    expect(isAllowed(developerKey, 'create', 'ApiKey', apiKey(ME))).toBe(false);
    expect(isAllowed(developerKey, 'read', 'Document', doc('public'))).toBe(false);
    expect(isAllowed(developerKey, 'read', 'Purpose', inTenant)).toBe(false);

    const adminKey = key({ roles: ['tenant_admin', 'auditor'], mfa: true });
    expect(adminKey.rules).toEqual([]);
  });

  test('a human with the service role is purpose-bound too', () => {
    const ability = defineAbilityFor(principal(['service'], { purposes: ['support'] }));
    expect(isAllowed(ability, 'invoke', 'ModelCall', call)).toBe(true);
    expect(isAllowed(ability, 'invoke', 'ModelCall', { ...call, purpose: 'marketing' })).toBe(false);
  });
});

describe('doubtful callers get nothing', () => {
  test('a tenant role without a tenant', () => {
    const ability = defineAbilityFor(principal(['tenant_admin', 'developer', 'user'], { tenantId: null }));
    expect(ability.rules).toEqual([]);
  });

  test('a super-admin that claims a tenant', () => {
    const ability = defineAbilityFor(principal(['superadmin']));
    expect(isAllowed(ability, 'create', 'Tenant', { id: TENANT_B })).toBe(false);
    expect(ability.rules).toEqual([]);
  });

  test('a caller without roles', () => {
    expect(defineAbilityFor(principal([])).rules).toEqual([]);
  });
});

describe('roles combine without taking from each other', () => {
  test('a DPO who is also a developer still reads health documents', () => {
    const ability = defineAbilityFor(principal(['developer', 'dpo']));
    expect(isAllowed(ability, 'read', 'Document', doc('health'))).toBe(true);
  });

  test('the same role twice grants the same as once', () => {
    const once = defineAbilityFor(principal(['user']));
    const twice = defineAbilityFor(principal(['user', 'user']));
    expect(twice.rules).toEqual(once.rules);
  });
});

describe('platform services acting in their own name', () => {
  const serviceCaller = (id: string): Principal => ({ kind: 'service', id, tenantId: null, roles: [], mfa: false });

  test('auth may resolve, create and delete tenants (login, bootstrap), read the overrides of its own retention, and nothing else', () => {
    const ability = defineAbilityFor(serviceCaller('auth'));
    for (const action of ['resolve', 'create', 'delete'] as const) expect(isAllowed(ability, action, 'Tenant', { id: TENANT_A })).toBe(true);
    expect(isAllowed(ability, 'suspend', 'Tenant', { id: TENANT_A })).toBe(false);
    expect(isAllowed(ability, 'read', 'TenantSettings', { tenantId: TENANT_A })).toBe(false);
    expect(isAllowed(ability, 'read', 'User', user(OTHER))).toBe(false);
    // Of a tenant's retention overrides, its own categories only.
    expect(isAllowed(ability, 'read', 'TenantRetention', { tenantId: TENANT_A, service: 'auth' })).toBe(true);
    expect(isAllowed(ability, 'read', 'TenantRetention', { tenantId: TENANT_A, service: 'vector-store' })).toBe(false);
  });

  test('the tenant service may read the data inventories (retention maxima), and nothing else', () => {
    const ability = defineAbilityFor(serviceCaller('tenant'));
    expect(isAllowed(ability, 'read', 'DataInventory', inventory)).toBe(true);
    expect(isAllowed(ability, 'export', 'SubjectData', subjectData)).toBe(false);
    expect(isAllowed(ability, 'read', 'TenantSettings', { tenantId: TENANT_A })).toBe(false);
  });

  test("the rights pipeline may export, erase and restrict a subject's data in any tenant, and read the inventories; nothing else", () => {
    const ability = defineAbilityFor(serviceCaller('rights-pipeline'));
    for (const action of ['export', 'erase', 'restrict'] as const) {
      expect(isAllowed(ability, action, 'SubjectData', subjectData)).toBe(true);
      expect(isAllowed(ability, action, 'SubjectData', { ...subjectData, tenantId: TENANT_B })).toBe(true);
    }
    expect(isAllowed(ability, 'read', 'DataInventory', inventory)).toBe(true);
    expect(isAllowed(ability, 'read', 'User', user(OTHER))).toBe(false);
    expect(isAllowed(ability, 'read', 'DataSubjectRequest', inTenant)).toBe(false);
    expect(isAllowed(ability, 'delete', 'Tenant', { id: TENANT_A })).toBe(false);
  });

  test('no one else may touch subject data: no role of a tenant, no other service, not a token of the pipeline bound to a tenant', () => {
    for (const id of ['auth', 'tenant', 'llm-gateway', 'audit', 'vector-store', 'edge-api']) {
      expect([id, isAllowed(defineAbilityFor(serviceCaller(id)), 'erase', 'SubjectData', subjectData)]).toEqual([id, false]);
    }
    const boundToTenant = defineAbilityFor({ ...serviceCaller('rights-pipeline'), tenantId: TENANT_A, roles: ['service'] });
    expect(isAllowed(boundToTenant, 'erase', 'SubjectData', subjectData)).toBe(false);
  });

  test('a service without grants, or a name that is no service, gets nothing', () => {
    for (const id of ['audit', 'edge-api', 'not-a-service', 'constructor', '__proto__']) {
      expect(defineAbilityFor(serviceCaller(id)).rules).toEqual([]);
    }
  });

  test('roles carried by a service token grant nothing: only the service table does', () => {
    const ability = defineAbilityFor({ ...serviceCaller('audit'), roles: ['superadmin', 'tenant_admin'], mfa: true });
    expect(ability.rules).toEqual([]);
    const gateway = defineAbilityFor({ ...serviceCaller('llm-gateway'), roles: ['superadmin', 'tenant_admin'], mfa: true });
    expect(gateway.rules).toEqual(defineAbilityFor(serviceCaller('llm-gateway')).rules);
  });

  test.each(['llm-gateway', 'vector-store'])('%s reads what decides a model call (and a purpose\'s retention) in any tenant, and changes nothing', (service) => {
    const ability = defineAbilityFor(serviceCaller(service));
    for (const tenantId of [TENANT_A, TENANT_B]) {
      expect(isAllowed(ability, 'read', 'TenantSettings', { tenantId })).toBe(true);
      expect(isAllowed(ability, 'read', 'Purpose', { tenantId })).toBe(true);
      expect(isAllowed(ability, 'update', 'TenantSettings', { tenantId })).toBe(false);
      expect(isAllowed(ability, 'create', 'Purpose', { tenantId })).toBe(false);
      expect(isAllowed(ability, 'read', 'User', user(tenantId))).toBe(false);
      expect(isAllowed(ability, 'read', 'AuditEntry', { tenantId })).toBe(false);
      expect(isAllowed(ability, 'read', 'Document', { tenantId, ownerId: OTHER, classification: 'public' })).toBe(false);
    }
  });

  test('no one but a platform service may resolve a tenant', () => {
    for (const role of ['superadmin', 'tenant_admin', 'developer'] as const) {
      const caller = principal([role], role === 'superadmin' ? { tenantId: null } : {});
      expect([role, isAllowed(defineAbilityFor(caller), 'resolve', 'Tenant', { id: TENANT_A })]).toEqual([role, false]);
    }
  });
});
