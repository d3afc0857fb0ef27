// The operation table's invariants: what the REST routes, the OpenAPI document and the GraphQL
// schema rely on when they are generated from it.
import { z } from 'zod';
import { AUTH_SUBJECTS, Empty, LoginRequest, TENANT_SUBJECTS } from '@gardien/contracts';
import { defineOperation, routePathOf } from './operation.js';
import { OperationSchemas } from './operation-schemas.js';
import { OPERATIONS } from './operations.js';

const KNOWN_SUBJECTS = new Set<string>([...Object.values(AUTH_SUBJECTS), ...Object.values(TENANT_SUBJECTS)]);
/** Subjects the edge uses for itself or that only services and the CLI may call. */
const NOT_PUBLIC = [AUTH_SUBJECTS.bootstrap, AUTH_SUBJECTS.jwks, AUTH_SUBJECTS.exchangeApiKey, TENANT_SUBJECTS.resolveTenant];

function duplicates(values: string[]): string[] {
  return values.filter((value, index) => values.indexOf(value) !== index);
}

test('every operation has a unique name, method + path, and GraphQL field', () => {
  expect(duplicates(OPERATIONS.map((operation) => operation.name))).toEqual([]);
  expect(duplicates(OPERATIONS.map((operation) => `${operation.method} ${operation.fullPath}`))).toEqual([]);
  expect(duplicates(OPERATIONS.map((operation) => operation.graphql.field))).toEqual([]);
  expect(OPERATIONS).toHaveLength(29);
});

test('every operation targets a subject of the contracts, and none a subject kept off the public surface', () => {
  for (const operation of OPERATIONS) {
    expect(KNOWN_SUBJECTS).toContain(operation.subject);
    expect(NOT_PUBLIC).not.toContain(operation.subject);
  }
  expect(OPERATIONS.some((operation) => /bootstrap/i.test(`${operation.name} ${operation.fullPath} ${operation.graphql.field}`))).toBe(false);
});

test('reads are GET routes and GraphQL queries; writes are other methods and mutations', () => {
  for (const operation of OPERATIONS) {
    expect([operation.name, operation.method === 'GET']).toEqual([operation.name, operation.graphql.type === 'query']);
  }
});

test('only login and refresh are public; public operations and only they have the public isolation class', () => {
  const publicOperations = OPERATIONS.filter((operation) => operation.auth === 'public').map((operation) => operation.name);
  expect(publicOperations).toEqual(['auth.login', 'auth.refresh']);
  for (const operation of OPERATIONS) expect(operation.isolation === 'public').toBe(operation.auth === 'public');
});

test('a tenant-resource operation has an id in its path; a tenant or self operation names no existing resource', () => {
  for (const operation of OPERATIONS) {
    if (operation.isolation === 'tenant-resource') expect(operation.pathParams.length).toBeGreaterThan(0);
    if (operation.isolation === 'tenant' || operation.isolation === 'self') {
      expect([operation.name, operation.pathParams]).toEqual([operation.name, []]);
      // A creation may name the new resource (a purpose's id); nothing else names one.
      const foreign = Object.keys(operation.input.shape).filter((field) => field.endsWith('_id') || (field === 'id' && operation.status !== 201));
      expect([operation.name, foreign]).toEqual([operation.name, []]);
    }
  }
});

test('the caller gives the bus payload minus what the edge adds; path parameters fill fields of it', () => {
  for (const operation of OPERATIONS) {
    const requestFields = Object.keys(operation.request.shape).sort();
    const given = Object.keys(operation.input.shape);
    expect([operation.name, [...given, ...operation.adds].sort()]).toEqual([operation.name, requestFields]);
    const bodyAndPath = [...Object.keys(operation.body.shape), ...operation.pathParams.map(({ field }) => field)].sort();
    expect([operation.name, bodyAndPath]).toEqual([operation.name, [...given].sort()]);
  }
  const login = OPERATIONS.find((operation) => operation.name === 'auth.login')!;
  expect(login.adds).toEqual(['source']);
  expect(Object.keys(login.body.shape)).not.toContain('source');
  const settings = OPERATIONS.find((operation) => operation.name === 'settings.update')!;
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
  expect(byStatus(201)).toEqual(['users.create', 'api-keys.create', 'tenants.create', 'users.initial-admin.create', 'purposes.create']);
  expect(byStatus(204)).toEqual(['auth.logout', 'auth.mfa.confirm', 'auth.password.change', 'users.delete', 'api-keys.revoke', 'tenants.delete']);
  for (const operation of OPERATIONS.filter((operation) => operation.status === 204)) expect(operation.reply).toBe(Empty);
});

test('the stricter per-source limit covers exactly the /auth/ operations', () => {
  expect(OPERATIONS.filter((operation) => operation.authLimited).map((operation) => operation.name)).toEqual(['auth.login', 'auth.refresh', 'auth.logout']);
});

test('every body and every non-empty reply has a named JSON schema, and names do not collide', () => {
  const schemas = new OperationSchemas(OPERATIONS);
  const components = schemas.components();
  for (const operation of OPERATIONS) {
    const replyName = schemas.replyNameOf(operation);
    if (operation.status !== 204) expect(components[replyName!]).toBeDefined();
  }
  expect(components.LoginBody).toMatchObject({ additionalProperties: false, required: ['email', 'password'] });
  expect(Object.keys(components.LoginBody!.properties!)).not.toContain('source');
  // Requests are documented as callers write them, replies as services send them.
  expect(components.CreateUserBody!.properties!.roles).toEqual(expect.objectContaining({ items: { $ref: '#/components/schemas/TenantRole' } }));
  expect(components.UserList!.properties!.users).toEqual(expect.objectContaining({ items: { $ref: '#/components/schemas/User' } }));
  expect(JSON.stringify(components)).not.toContain('$schema');
});

test('a path parameter that fills no field of the input is refused when the table is built', () => {
  expect(() =>
    defineOperation({
      name: 'x.get',
      summary: 'x',
      method: 'GET',
      path: '/x/{nothing}',
      graphql: { type: 'query', field: 'x' },
      subject: AUTH_SUBJECTS.me,
      request: z.object({ id: z.string() }).strict(),
      reply: LoginRequest,
      auth: 'authenticated',
      isolation: 'tenant-resource',
    }),
  ).toThrow(/path parameter nothing/);
});
