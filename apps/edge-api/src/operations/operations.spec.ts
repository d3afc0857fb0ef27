// The operation table's invariants: what the REST routes, the OpenAPI document and the GraphQL
// schema rely on when they are generated from it.
import { z } from 'zod';
import { AUTH_OPERATIONS, BUS_OPERATIONS, Empty, FileReply, LoginRequest, TENANT_OPERATIONS, busOperation } from '@gardien/contracts';
import { checkOperationTable, defineOperation, disagreementOf, routePathOf, type Operation } from './operation.js';
import { OperationSchemas } from './operation-schemas.js';
import { OPERATIONS } from './operations.js';

/** Operations the edge uses for itself or that only services and the CLI may call. */
const NOT_PUBLIC = [AUTH_OPERATIONS.bootstrap, AUTH_OPERATIONS.jwks, AUTH_OPERATIONS.exchangeApiKey, TENANT_OPERATIONS.resolveTenant];

function duplicates(values: string[]): string[] {
  return values.filter((value, index) => values.indexOf(value) !== index);
}

test('every operation has a unique name, method + path, and GraphQL field (all but the streamed, which have none)', () => {
  expect(duplicates(OPERATIONS.map((operation) => operation.name))).toEqual([]);
  expect(duplicates(OPERATIONS.map((operation) => `${operation.method} ${operation.fullPath}`))).toEqual([]);
  expect(duplicates(OPERATIONS.flatMap((operation) => (operation.graphql ? [operation.graphql.field] : [])))).toEqual([]);
  expect(OPERATIONS.filter((operation) => operation.graphql === null).map((operation) => operation.name)).toEqual(['audit.export', 'llm-gateway.chat.stream']);
  expect(OPERATIONS).toHaveLength(47);
});

test('every operation is a bus operation of the contracts, and none one kept off the public surface', () => {
  for (const operation of OPERATIONS) {
    expect(BUS_OPERATIONS).toContain(operation.bus);
    expect(NOT_PUBLIC).not.toContain(operation.bus);
  }
  expect(OPERATIONS.some((operation) => /bootstrap/i.test(`${operation.name} ${operation.fullPath} ${operation.graphql?.field ?? ''}`))).toBe(false);
});

test('reads are GET routes and GraphQL queries; writes are other methods and mutations', () => {
  for (const operation of OPERATIONS) {
    // A streamed chat has no GraphQL field: it is a model call (POST), like the chat answered once.
    const read = operation.graphql ? operation.graphql.type === 'query' : operation.bus.action !== 'chat.stream';
    expect([operation.name, operation.method === 'GET']).toEqual([operation.name, read]);
  }
});

test("only login, refresh and the audit log's verification keys are public; public operations and only they have the public isolation class", () => {
  const publicOperations = OPERATIONS.filter((operation) => operation.auth === 'public').map((operation) => operation.name);
  // The keys that verify tree heads are no secret: anyone checking an export needs them.
  expect(publicOperations).toEqual(['auth.login', 'auth.refresh', 'audit.public-keys.get']);
  for (const operation of OPERATIONS) expect([operation.name, operation.bus.authenticated]).toEqual([operation.name, operation.auth === 'authenticated']);
  for (const operation of OPERATIONS) expect(operation.isolation === 'public').toBe(operation.auth === 'public');
});

test('a tenant-resource operation has an id in its path or a tenant_id in its query; a tenant or self operation names no existing resource', () => {
  for (const operation of OPERATIONS) {
    if (operation.isolation === 'tenant-resource') expect([operation.name, operation.pathParams.length > 0 || operation.queryFields.includes('tenant_id')]).toEqual([operation.name, true]);
    if (operation.isolation === 'tenant' || operation.isolation === 'self') {
      expect([operation.name, operation.pathParams]).toEqual([operation.name, []]);
      // A creation may name the new resource (a purpose's id); nothing else names one. A data
      // subject's id (a document's `subject_id`) is the tenant application's, of no resource here.
      const foreign = Object.keys(operation.input.shape).filter((field) => (field.endsWith('_id') && field !== 'subject_id') || (field === 'id' && operation.status !== 201));
      expect([operation.name, foreign]).toEqual([operation.name, []]);
    }
  }
});

test('the caller gives the bus payload minus what the edge adds; path parameters fill fields of it', () => {
  for (const operation of OPERATIONS) {
    const requestFields = Object.keys(operation.request.shape).sort();
    const given = Object.keys(operation.input.shape);
    expect([operation.name, [...given, ...operation.adds].sort()]).toEqual([operation.name, requestFields]);
    const bodyPathAndQuery = [...Object.keys(operation.body.shape), ...operation.pathParams.map(({ field }) => field), ...operation.queryFields].sort();
    expect([operation.name, bodyPathAndQuery]).toEqual([operation.name, [...given].sort()]);
  }
  const login = OPERATIONS.find((operation) => operation.name === 'auth.login')!;
  expect(login.adds).toEqual(['source']);
  expect(Object.keys(login.body.shape)).not.toContain('source');
  const settings = OPERATIONS.find((operation) => operation.name === 'tenant.settings.update')!;
  expect(settings.fullPath).toBe('/api/v1/tenants/{id}/settings');
  expect(settings.pathParams).toEqual([{ name: 'id', field: 'tenant_id' }]);
  expect(routePathOf(settings)).toBe('tenants/:id/settings');
});

test('bodies refuse unknown fields, like the contracts they come from', () => {
  for (const operation of OPERATIONS) {
    const result = operation.body.safeParse({ unexpected_field: 1 });
    expect([operation.name, result.success]).toEqual([operation.name, false]);
    expect(result.error?.issues.some((issue) => issue.code === 'unrecognized_keys')).toBe(true);
    expect(operation.params.safeParse({ ...Object.fromEntries(operation.pathParams.map(({ name }) => [name, 'x'])), other: 'y' }).success).toBe(
      false,
    );
  }
});

test('success statuses: 201 for creations, 204 for empty replies, 200 otherwise', () => {
  const byStatus = (status: number) => OPERATIONS.filter((operation) => operation.status === status).map((operation) => operation.name);
  expect(byStatus(201)).toEqual(['auth.users.create', 'auth.api-keys.create', 'auth.users.initial-admin.create', 'tenant.tenants.create', 'tenant.purposes.create']);
  expect(byStatus(204)).toEqual(['auth.logout', 'auth.mfa.confirm', 'auth.password.change', 'auth.users.delete', 'auth.api-keys.revoke', 'tenant.tenants.delete', 'vector-store.documents.delete']);
  for (const operation of OPERATIONS.filter((operation) => operation.status === 204)) expect(operation.reply).toBe(Empty);
});

test('the stricter per-source limit covers exactly the /auth/ operations', () => {
  expect(OPERATIONS.filter((operation) => operation.authLimited).map((operation) => operation.name)).toEqual(['auth.login', 'auth.refresh', 'auth.logout']);
});

test('every body and every non-empty reply has a named JSON schema, and names do not collide', () => {
  const schemas = new OperationSchemas(OPERATIONS);
  const components = schemas.components();
  for (const operation of OPERATIONS) {
    if (operation.status !== 204 && operation.replyKind === 'json') expect(components[schemas.replyNameOf(operation)!]).toBeDefined();
  }
  expect(components.LoginBody).toMatchObject({ additionalProperties: false, required: ['email', 'password'] });
  expect(Object.keys(components.LoginBody!.properties!)).not.toContain('source');
  // Requests are documented as callers write them, replies as services send them.
  expect(components.CreateUserBody!.properties!.roles).toEqual(expect.objectContaining({ items: { $ref: '#/components/schemas/TenantRole' } }));
  expect(components.UserList!.properties!.users).toEqual(expect.objectContaining({ items: { $ref: '#/components/schemas/User' } }));
  expect(JSON.stringify(components)).not.toContain('$schema');
});

test('a path parameter that fills no field of the input is refused when the table is built', () => {
  const get = busOperation({ service: 'audit', action: 'x.get', request: z.object({ id: z.string() }).strict(), reply: LoginRequest, authenticated: true });
  const row = { bus: get, summary: 'x', method: 'GET', graphql: { type: 'query', field: 'x' }, auth: 'authenticated', isolation: 'tenant-resource' } as const;
  expect(() => defineOperation({ ...row, path: '/x/{nothing}' })).toThrow(/path parameter nothing/);
  expect(() => defineOperation({ ...row, path: '/x', query: ['nothing'] })).toThrow(/query parameter nothing/);
});

test('every row validates its payload with its bus operation’s own schemas, which the handler uses too', () => {
  expect(() => checkOperationTable(OPERATIONS)).not.toThrow();
  for (const operation of OPERATIONS) expect([operation.name, disagreementOf(operation)]).toEqual([operation.name, undefined]);
});

test('a row whose schemas differ from its bus operation’s is refused', () => {
  const login = OPERATIONS.find((operation) => operation.name === 'auth.login')!;
  const looser: Operation = { ...login, input: login.input.extend({ email: z.string() }) };
  const otherReply: Operation = { ...login, reply: Empty };
  const lostField: Operation = { ...login, input: login.input.omit({ totp: true }) };
  expect(disagreementOf(looser)).toMatch(/input field email/);
  expect(disagreementOf(otherReply)).toMatch(/reply/);
  expect(disagreementOf(lostField)).toMatch(/what the edge adds/);
  expect(() => checkOperationTable([...OPERATIONS, looser])).toThrow(/auth.login/);
});

test('query parameters are validated with their fields’ schemas and documented apart from the body', () => {
  const list = busOperation({
    service: 'audit',
    action: 'entries.list',
    request: z.object({ tenant_id: z.string(), limit: z.number().int().max(100).optional(), actions: z.array(z.string()).optional() }).strict(),
    reply: Empty,
    authenticated: true,
  });
  const operation = defineOperation({
    bus: list,
    summary: 'entries',
    method: 'GET',
    path: '/tenants/{tenant_id}/entries',
    query: ['limit', 'actions'],
    graphql: { type: 'query', field: 'entries' },
    auth: 'authenticated',
    isolation: 'tenant-resource',
  });
  expect(Object.keys(operation.querySchema.shape)).toEqual(['limit', 'actions']);
  expect(operation.hasBody).toBe(false);
  expect(operation.querySchema.safeParse({ limit: 500 }).success).toBe(false);
  expect(operation.querySchema.safeParse({ other: 1 }).success).toBe(false);
});

test('queued work answers 202; a streamed reply needs a streaming bus operation', () => {
  const request = z.object({ kind: z.string() }).strict();
  const file = busOperation({ service: 'audit', action: 'requests.file', request, reply: z.object({ id: z.string() }).strict(), authenticated: true });
  const row = { summary: 'x', method: 'POST', path: '/requests', graphql: { type: 'mutation', field: 'fileRequest' }, auth: 'authenticated', isolation: 'tenant' } as const;
  expect(defineOperation({ ...row, bus: file, queued: true }).status).toBe(202);
  expect(() => defineOperation({ ...row, bus: file, reply: 'stream' })).toThrow(/streaming bus operation/);
  const streamed = busOperation({ service: 'audit', action: 'requests.watch', request, reply: Empty, authenticated: true, streaming: true });
  expect(() => defineOperation({ ...row, bus: streamed, reply: 'stream' })).toThrow(/GraphQL field/);
  const stream = defineOperation({ ...row, bus: streamed, reply: 'stream', graphql: null, operationId: 'watchRequests' });
  expect([stream.replyKind, stream.operationId, stream.graphql]).toEqual(['stream', 'watchRequests', null]);
});

test('a file reply is a FileReply, offered on REST only', () => {
  const request = z.object({ id: z.string() }).strict();
  const row = { summary: 'x', method: 'GET', path: '/exports/{id}', graphql: null, operationId: 'downloadExport', auth: 'authenticated', isolation: 'tenant-resource', reply: 'file' } as const;
  const download = busOperation({ service: 'audit', action: 'exports.download', request, reply: FileReply, authenticated: true });
  expect(defineOperation({ ...row, bus: download }).replyKind).toBe('file');
  const notAFile = busOperation({ service: 'audit', action: 'exports.get', request, reply: z.object({ id: z.string() }).strict(), authenticated: true });
  expect(() => defineOperation({ ...row, bus: notAFile })).toThrow(/FileReply/);
  expect(() => defineOperation({ ...row, bus: download, operationId: 'Download-Export' })).toThrow(/camelCase/);
});

test('authenticated operations take a user session only; API keys only where they serve model calls', () => {
  const withApiKeys = OPERATIONS.filter((operation) => operation.credentials.includes('api-key')).map((operation) => operation.name);
  expect(withApiKeys).toEqual(['llm-gateway.chat', 'llm-gateway.chat.stream', 'llm-gateway.embeddings', 'llm-gateway.models.list', 'llm-gateway.models.overview']);
  for (const operation of OPERATIONS) {
    expect([operation.name, operation.credentials.includes('session')]).toEqual([operation.name, operation.auth === 'authenticated']);
  }
});
