// The GraphQL schema generated from the operation table: the same operations, the same field
// names as the REST bodies and replies, and types that refuse what the zod schemas refuse.
import { buildSchema, getNamedType, isEnumType, isNonNullType, type GraphQLSchema } from 'graphql';
import { OPERATIONS } from '../operations/operations.js';
import { buildGraphqlSdl } from './graphql-sdl.js';

let schema: GraphQLSchema;

beforeAll(() => {
  schema = buildSchema(buildGraphqlSdl(OPERATIONS));
});

test('one root field per operation: reads are queries, writes are mutations, nothing else', () => {
  const queries = Object.keys(schema.getQueryType()!.getFields()).sort();
  const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
  expect(queries).toEqual(OPERATIONS.filter((o) => o.graphql?.type === 'query').map((o) => o.graphql!.field).sort());
  expect(mutations).toEqual(OPERATIONS.filter((o) => o.graphql?.type === 'mutation').map((o) => o.graphql!.field).sort());
  expect([...queries, ...mutations].filter((field) => /bootstrap/i.test(field))).toEqual([]);
});

function argumentsOf(mutation: string): Record<string, string> {
  return Object.fromEntries(schema.getMutationType()!.getFields()[mutation]!.args.map((arg) => [arg.name, String(arg.type)]));
}

test('arguments are the operation input: required fields non-null, optional ones nullable', () => {
  expect(argumentsOf('login')).toEqual({
    email: 'String!',
    password: 'String!',
    tenant: 'String',
    totp: 'String',
  });
  expect(argumentsOf('updateTenantSettings')).toEqual({
    tenant_id: 'String!',
    allowed_models: '[String!]',
    quotas: 'UpdateTenantSettingsQuotasInput',
    guards: 'UpdateTenantSettingsGuardsInput',
    retention_days: 'JSON',
  });
});

test('roles a tenant admin may give exclude the super-admin, in the type itself', () => {
  const createUser = schema.getMutationType()!.getFields().createUser!;
  const roles = getNamedType(createUser.args.find((arg) => arg.name === 'roles')!.type);
  expect(isEnumType(roles) && roles.getValues().map((value) => value.name)).toEqual(['tenant_admin', 'dpo', 'auditor', 'developer', 'user', 'service']);
});

test('replies keep the REST field names; integers beyond 32 bits are Float; empty replies are Boolean', () => {
  const tenantSettings = schema.getType('TenantSettings') as ReturnType<GraphQLSchema['getQueryType']>;
  expect(Object.keys(tenantSettings!.getFields())).toEqual(['tenant_id', 'allowed_models', 'quotas', 'guards', 'retention_days', 'updated_at']);
  const quotas = schema.getType('Quotas') as ReturnType<GraphQLSchema['getQueryType']>;
  expect(String(quotas!.getFields().requests_per_minute!.type)).toBe('Int!');
  expect(String(quotas!.getFields().tokens_per_day!.type)).toBe('Float!');
  const apiKey = schema.getType('ApiKey') as ReturnType<GraphQLSchema['getQueryType']>;
  expect(String(apiKey!.getFields().expires_at!.type)).toBe('String');
  expect(isNonNullType(schema.getMutationType()!.getFields().logout!.type)).toBe(true);
  expect(String(schema.getMutationType()!.getFields().logout!.type)).toBe('Boolean!');
});

test('each root field says which operation and isolation class it is', () => {
  const user = schema.getQueryType()!.getFields().user!;
  expect(user.description).toContain('Operation `auth.users.get`, isolation `tenant-resource`');
});
