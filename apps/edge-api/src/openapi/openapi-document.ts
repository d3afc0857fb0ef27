// The OpenAPI 3.1 document, written from the operation table (the same rows the REST routes and
// the GraphQL schema come from) and from the descriptions of the few routes outside it (health,
// status), with the zod schemas as named components. Built here rather than scanned by
// @nestjs/swagger: that package alone cost the idle edge about 10 MiB. A test checks that the
// routes Fastify serves under /api/v1 are exactly the documented ones.
import { z } from 'zod';
import { ErrorCode } from '@gardien/contracts';
import { API_KEY_HEADER } from '../authentication/api-key.strategy.js';
import type { Isolation, Operation } from '../operations/operation.js';
import { COMPONENT_PREFIX, jsonSchemaOf, type JsonSchema, type OperationSchemas } from '../operations/operation-schemas.js';

export const PROBLEM_SCHEMA = 'Problem';
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';
/** A tenant API key sent as the bearer token, as OpenAI's SDKs do. */
export const API_KEY_BEARER_SCHEME = 'api-key-bearer';

/** What every error looks like (see http/problem.ts); a test checks that problem documents match it. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    code: z.enum(ErrorCode),
    request_id: z.string(),
    reason: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/).optional(),
    errors: z.array(z.object({ path: z.string().optional(), reason: z.string() }).strict()).optional(),
  })
  .strict();

export type OpenApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OpenApiMedia {
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  content?: Record<string, OpenApiMedia>;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  parameters: OpenApiParameter[];
  requestBody?: { required: true; content: Record<string, OpenApiMedia> };
  responses: Record<string, OpenApiResponse>;
  security?: Array<Record<string, string[]>>;
  /** The operation's stable name (the bus action). */
  'x-gardien-operation': string;
  /** Which caller it serves; the tenant-isolation test enumerates operations by it. */
  'x-gardien-isolation': Isolation;
  /** The same operation on the GraphQL surface (`mutation.login`), for operations of the table. */
  'x-gardien-graphql'?: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; description: string; version: string };
  paths: Record<string, Partial<Record<OpenApiMethod, OpenApiOperation>>>;
  components: {
    securitySchemes: Record<string, Record<string, string>>;
    schemas: Record<string, JsonSchema>;
  };
}

/** A documented route that is not a row of the operation table (health, status). */
export interface PlatformRoute {
  /** OpenAPI style, from the root: `/api/v1/status/{service}`. */
  path: string;
  method: OpenApiMethod;
  operation: OpenApiOperation;
}

/** An error answer, as an RFC 9457 problem document. */
export function problemResponse(description: string): OpenApiResponse {
  return { description, content: { 'application/problem+json': { schema: { $ref: `${COMPONENT_PREFIX}${PROBLEM_SCHEMA}` } } } };
}

function jsonContent(schemaName: string): Record<string, OpenApiMedia> {
  return { 'application/json': { schema: { $ref: `${COMPONENT_PREFIX}${schemaName}` } } };
}

/** The success answer: JSON, a stream of server-sent events (each a JSON reply), or a file. */
function successResponse(operation: Operation, replyName: string | undefined): OpenApiResponse {
  if (operation.replyKind === 'stream') {
    return { description: 'A stream of server-sent events, one JSON reply each', content: { 'text/event-stream': { schema: { type: 'string' } } } };
  }
  if (operation.replyKind === 'lines') {
    return { description: 'JSON Lines, streamed: one JSON document per line', content: { 'application/jsonl': { schema: { type: 'string' } } } };
  }
  if (operation.replyKind === 'file') {
    return { description: 'A file to download', content: { 'application/octet-stream': { schema: { type: 'string', contentEncoding: 'binary' } } } };
  }
  if (!replyName) return { description: 'Done' };
  return { description: operation.status === 202 ? 'Accepted: the work is queued' : 'Success', content: jsonContent(replyName) };
}

/** Who may call: a user session's bearer token, and, where the operation takes them, an API key. */
function securityOf(operation: Operation): Array<Record<string, string[]>> {
  return operation.credentials.flatMap((credential): Array<Record<string, string[]>> =>
    credential === 'session' ? [{ [BEARER_SCHEME]: [] }] : [{ [API_KEY_SCHEME]: [] }, { [API_KEY_BEARER_SCHEME]: [] }],
  );
}

function parametersOf(operation: Operation): OpenApiParameter[] {
  const path = operation.pathParams.map(({ name }): OpenApiParameter => ({ name, in: 'path', required: true, schema: jsonSchemaOf(operation.params.shape[name]!, 'input') }));
  const query = operation.queryFields.map((name): OpenApiParameter => {
    const schema = operation.querySchema.shape[name]!;
    return { name, in: 'query', required: !schema.safeParse(undefined).success, schema: jsonSchemaOf(schema, 'input') };
  });
  return [...path, ...query];
}

function describeOperation(operation: Operation, schemas: OperationSchemas): OpenApiOperation {
  const replyName = operation.replyKind === 'json' ? schemas.replyNameOf(operation) : undefined;
  const authenticated = operation.auth === 'authenticated';
  const responses: Record<string, OpenApiResponse> = {
    [operation.status]: successResponse(operation, replyName),
    400: problemResponse('The request is not valid'),
    ...(authenticated ? { 401: problemResponse('No valid access token or API key') } : {}),
    429: problemResponse('Too many requests from this source'),
    default: problemResponse('An error (RFC 9457 problem document)'),
  };
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    tags: [operation.path.split('/')[1]!],
    parameters: parametersOf(operation),
    // By the body's schema: rows that share one (a chat answered once or streamed) share its name.
    ...(operation.hasBody ? { requestBody: { required: true, content: jsonContent(schemas.bodies.nameOf(operation.body)) } } : {}),
    responses,
    ...(authenticated ? { security: securityOf(operation) } : {}),
    'x-gardien-operation': operation.name,
    'x-gardien-isolation': operation.isolation,
    ...(operation.graphql ? { 'x-gardien-graphql': `${operation.graphql.type}.${operation.graphql.field}` } : {}),
  };
}

function addPath(paths: OpenApiDocument['paths'], path: string, method: OpenApiMethod, operation: OpenApiOperation): void {
  const item = (paths[path] ??= {});
  if (item[method]) throw new Error(`${method.toUpperCase()} ${path} is documented twice`);
  item[method] = operation;
}

export function buildOpenApiDocument(
  operations: readonly Operation[],
  schemas: OperationSchemas,
  platformRoutes: readonly PlatformRoute[],
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const { path, method, operation } of platformRoutes) addPath(paths, path, method, operation);
  for (const operation of operations) {
    addPath(paths, operation.fullPath, operation.method.toLowerCase() as OpenApiMethod, describeOperation(operation, schemas));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gardien API',
      description:
        'Identity, tenants and access. Every operation is also a GraphQL field at POST /graphql. ' +
        'Errors are RFC 9457 problem documents (application/problem+json).',
      version: 'v1',
    },
    paths,
    components: {
      securitySchemes: {
        [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /api/v1/auth/login' },
        [API_KEY_SCHEME]: { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'A tenant API key (only where an operation lists it)' },
        [API_KEY_BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'A tenant API key as the bearer token (gk1.…), as OpenAI SDKs send it' },
      },
      // zod writes JSON Schema 2020-12, which is what OpenAPI 3.1 schemas are.
      schemas: { ...schemas.components(), [PROBLEM_SCHEMA]: jsonSchemaOf(ProblemSchema, 'output') },
    },
  };
}
