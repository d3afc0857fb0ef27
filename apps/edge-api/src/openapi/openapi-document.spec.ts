// The OpenAPI document's shape, checked on the document itself (no server): every $ref resolves,
// every operation of the table is there once with its extensions, path parameters agree with the
// path templates, security names defined schemes. The checker is shown to catch each defect.
import { HEALTH_ROUTE } from '../health/health.http.controller.js';
import { OperationSchemas } from '../operations/operation-schemas.js';
import { OPERATIONS } from '../operations/operations.js';
import { STATUS_ROUTE } from '../status/status.http.controller.js';
import { BEARER_SCHEME, buildOpenApiDocument, PROBLEM_SCHEMA, type OpenApiDocument, type OpenApiOperation } from './openapi-document.js';

const ISOLATION_CLASSES = ['public', 'self', 'tenant', 'tenant-resource', 'platform'];

function build(): OpenApiDocument {
  return buildOpenApiDocument(OPERATIONS, new OperationSchemas(OPERATIONS), [HEALTH_ROUTE, STATUS_ROUTE]);
}

function documentedOperations(document: OpenApiDocument): Array<{ path: string; method: string; operation: OpenApiOperation }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation: operation as OpenApiOperation })),
  );
}

/** Every `$ref` anywhere in a value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner)));
}

/** A local JSON pointer (`#/components/schemas/User`) followed from the document's root; undefined when it leads nowhere. */
function resolve(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = document;
  for (const token of ref.slice(2).split('/').map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** What is wrong with a document, as short sentences; empty when nothing is. */
function defectsOf(document: OpenApiDocument): string[] {
  const defects: string[] = [];
  if (document.openapi !== '3.1.0') defects.push(`openapi is ${String(document.openapi)}`);
  for (const ref of refsIn(document)) if (resolve(document, ref) === undefined) defects.push(`${ref} resolves to nothing`);
  const documented = documentedOperations(document);
  for (const operation of OPERATIONS) {
    const found = documented.filter((entry) => entry.operation['x-gardien-operation'] === operation.name);
    const where = found.map((entry) => `${entry.method.toUpperCase()} ${entry.path}`);
    if (where.join() !== `${operation.method} ${operation.fullPath}`) defects.push(`${operation.name} is documented at [${where.join(', ')}]`);
  }
  const ids = documented.map((entry) => entry.operation.operationId);
  for (const id of new Set(ids)) if (ids.indexOf(id) !== ids.lastIndexOf(id)) defects.push(`operationId ${id} is used twice`);
  for (const { path, method, operation } of documented) {
    const where = `${method.toUpperCase()} ${path}`;
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!).sort();
    const declared = operation.parameters.filter((parameter) => parameter.in === 'path' && parameter.required).map((parameter) => parameter.name).sort();
    if (templated.join() !== declared.join()) defects.push(`${where} declares path parameters [${declared.join()}] for [${templated.join()}]`);
    if (!ISOLATION_CLASSES.includes(operation['x-gardien-isolation'])) defects.push(`${where} has no isolation class`);
    if (!Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))) defects.push(`${where} has no success response`);
    for (const requirement of operation.security ?? []) {
      for (const scheme of Object.keys(requirement)) {
        if (!Object.hasOwn(document.components.securitySchemes, scheme)) defects.push(`${where} requires an undefined scheme ${scheme}`);
      }
    }
  }
  return defects;
}

test('the document has no defect: refs resolve, each operation of the table is there once, parameters and security agree', () => {
  const document = build();
  expect(defectsOf(document)).toEqual([]);
  expect(refsIn(document).length).toBeGreaterThan(OPERATIONS.length * 3);
  expect(documentedOperations(document)).toHaveLength(OPERATIONS.length + 2);
});

test('the checker finds a dangling $ref, a missing or doubled operation, a wrong parameter, and an unknown scheme', () => {
  const withoutSchema = build();
  delete withoutSchema.components.schemas.TokenPair;
  expect(defectsOf(withoutSchema)).toContain('#/components/schemas/TokenPair resolves to nothing');

  const withoutOperation = build();
  delete withoutOperation.paths['/api/v1/me']!.get;
  expect(defectsOf(withoutOperation)).toContain('auth.me is documented at []');

  const doubled = build();
  doubled.paths['/api/v1/me/again'] = { get: doubled.paths['/api/v1/me']!.get! };
  expect(defectsOf(doubled)).toEqual(
    expect.arrayContaining(['auth.me is documented at [GET /api/v1/me, GET /api/v1/me/again]', 'operationId me is used twice']),
  );

  const wrongParameter = build();
  wrongParameter.paths['/api/v1/users/{id}']!.get!.parameters = [];
  expect(defectsOf(wrongParameter)).toContain('GET /api/v1/users/{id} declares path parameters [] for [id]');

  const unknownScheme = build();
  unknownScheme.paths['/api/v1/me']!.get!.security = [{ basic: [] }];
  expect(defectsOf(unknownScheme)).toContain('GET /api/v1/me requires an undefined scheme basic');
});

test('each operation carries its name, isolation class, GraphQL field, body, reply and security', () => {
  const document = build();
  const schemas = new OperationSchemas(OPERATIONS);
  for (const operation of OPERATIONS) {
    const described = document.paths[operation.fullPath]![operation.method.toLowerCase() as 'get']!;
    expect(described).toMatchObject({
      operationId: operation.operationId,
      summary: operation.summary,
      tags: [operation.path.split('/')[1]],
      'x-gardien-operation': operation.name,
      'x-gardien-isolation': operation.isolation,
    });
    expect([operation.name, described['x-gardien-graphql']]).toEqual([operation.name, operation.graphql ? `${operation.graphql.type}.${operation.graphql.field}` : undefined]);
    const body = operation.hasBody ? { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemas.bodies.nameOf(operation.body)}` } } } } : undefined;
    expect([operation.name, described.requestBody]).toEqual([operation.name, body]);
    const success = described.responses[operation.status]!;
    const replyName = operation.replyKind === 'json' ? schemas.replyNameOf(operation) : undefined;
    const streamed = { lines: { 'application/jsonl': { schema: { type: 'string' } } }, stream: { 'text/event-stream': { schema: { type: 'string' } } } } as Record<string, unknown>;
    const content = streamed[operation.replyKind] ?? (replyName ? { 'application/json': { schema: { $ref: `#/components/schemas/${replyName}` } } } : undefined);
    expect([operation.name, success.content]).toEqual([operation.name, content]);
    const authenticated = operation.auth === 'authenticated';
    // A user session's token, and API keys (X-API-Key or as the bearer) where the operation takes them.
    const security = operation.credentials.flatMap((credential): Array<Record<string, string[]>> =>
      credential === 'session' ? [{ [BEARER_SCHEME]: [] }] : [{ 'api-key': [] }, { 'api-key-bearer': [] }],
    );
    expect([operation.name, described.security]).toEqual([operation.name, authenticated ? security : undefined]);
    expect([operation.name, Object.keys(described.responses)]).toEqual([
      operation.name,
      [String(operation.status), '400', ...(authenticated ? ['401'] : []), '429', 'default'],
    ]);
    expect(described.responses.default!.content).toEqual({ 'application/problem+json': { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA}` } } });
  }
});

test('health and status are documented beside the table, the security schemes are bearer and API keys (X-API-Key or bearer), and the document is plain JSON', () => {
  const document = build();
  expect(document.paths['/health']?.get).toMatchObject({ operationId: 'health', 'x-gardien-operation': 'platform.health', 'x-gardien-isolation': 'public' });
  expect(document.paths['/api/v1/status/{service}']?.get).toMatchObject({
    operationId: 'serviceStatus',
    'x-gardien-operation': 'platform.status',
    'x-gardien-isolation': 'public',
  });
  expect(document.components.securitySchemes).toEqual({
    bearer: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    'api-key-bearer': expect.objectContaining({ type: 'http', scheme: 'bearer' }),
  });
  expect(JSON.parse(JSON.stringify(document))).toStrictEqual(document);
  expect(JSON.stringify(document)).not.toMatch(/bootstrap/i);
});

test("a purpose's retention is documented: optional on creation (a whole number of days, 1 to 3650), null when none in what is read back", () => {
  const document = build();
  const schemaOf = (method: 'get' | 'post', path: string, part: 'body' | 'reply'): Record<string, unknown> => {
    const operation = document.paths[path]![method] as OpenApiOperation;
    const media = part === 'body' ? operation.requestBody!.content['application/json'] : operation.responses['201']?.content?.['application/json'] ?? operation.responses['200']!.content!['application/json'];
    return resolve(document, (media!.schema as { $ref: string }).$ref) as Record<string, unknown>;
  };
  const created = schemaOf('post', '/api/v1/purposes', 'body') as { properties: Record<string, unknown>; required: string[] };
  expect(created.properties.retention_days).toMatchObject({ type: 'integer', minimum: 1, maximum: 3650 });
  expect(created.required).not.toContain('retention_days');
  const purpose = schemaOf('get', '/api/v1/purposes/{id}', 'reply') as { properties: Record<string, unknown>; required: string[] };
  expect(JSON.stringify(purpose.properties.retention_days)).toMatch(/"null"/);
  expect(purpose.required).toContain('retention_days');
});
