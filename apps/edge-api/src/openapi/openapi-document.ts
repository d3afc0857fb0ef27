// The OpenAPI 3.1 document, written from the operation table (the same rows the REST routes and
// the GraphQL schema come from) and from the descriptions of the few routes outside it (health,
// status), with the zod schemas as named components. Built here rather than scanned by
// @nestjs/swagger: that package alone cost the idle edge about 10 MiB. A test checks that the
// routes Fastify serves under /api/v1 are exactly the documented ones.
import { z } from 'zod';
import { ErrorCode } from '@gardien/contracts';
import { API_KEY_HEADER } from '../authentication/api-key.strategy.js';
import type { Isolation, Operation } from '../operations/operation.js';
import { COMPONENT_PREFIX, bodyNameOf, jsonSchemaOf, type JsonSchema, type OperationSchemas } from '../operations/operation-schemas.js';

export const PROBLEM_SCHEMA = 'Problem';
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

/** What every error looks like (see http/problem.ts); a test checks that problem documents match it. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    code: z.enum(ErrorCode),
    request_id: z.string(),
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
  in: 'path';
  required: true;
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

function describeOperation(operation: Operation, schemas: OperationSchemas): OpenApiOperation {
  const replyName = schemas.replyNameOf(operation);
  const authenticated = operation.auth === 'authenticated';
  const responses: Record<string, OpenApiResponse> = {
    [operation.status]: replyName ? { description: 'Success', content: jsonContent(replyName) } : { description: 'Done' },
    400: problemResponse('The request is not valid'),
    ...(authenticated ? { 401: problemResponse('No valid access token or API key') } : {}),
    429: problemResponse('Too many requests from this source'),
    default: problemResponse('An error (RFC 9457 problem document)'),
  };
  return {
    operationId: operation.graphql.field,
    summary: operation.summary,
    tags: [operation.path.split('/')[1]!],
    parameters: operation.pathParams.map(({ name }) => ({
      name,
      in: 'path',
      required: true,
      schema: jsonSchemaOf(operation.params.shape[name]!, 'input'),
    })),
    ...(operation.hasBody ? { requestBody: { required: true, content: jsonContent(bodyNameOf(operation)) } } : {}),
    responses,
    ...(authenticated ? { security: [{ [BEARER_SCHEME]: [] }, { [API_KEY_SCHEME]: [] }] } : {}),
    'x-gardien-operation': operation.name,
    'x-gardien-isolation': operation.isolation,
    'x-gardien-graphql': `${operation.graphql.type}.${operation.graphql.field}`,
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
        [API_KEY_SCHEME]: { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'A tenant API key' },
      },
      // zod writes JSON Schema 2020-12, which is what OpenAPI 3.1 schemas are.
      schemas: { ...schemas.components(), [PROBLEM_SCHEMA]: jsonSchemaOf(ProblemSchema, 'output') },
    },
  };
}
