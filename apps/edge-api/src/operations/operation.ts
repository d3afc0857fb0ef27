// What a public operation of the edge is: a bus operation (libs/contracts: subject, request and
// reply schemas, timeout) plus its HTTP and GraphQL facets. The edge derives from it, once, the
// REST path, query and body schemas, the success status and the limits that apply. REST, GraphQL
// and OpenAPI read only these objects, and the payload schema is always the bus operation's own.
import { z } from 'zod';
import { AuditExportChunk, FileReply, type BusOperation } from '@gardien/contracts';

/** Which caller an operation serves; tests enumerate routes by class to prove isolation. */
export type Isolation =
  /** No caller yet (login, refresh). */
  | 'public'
  /** Acts on the caller only. */
  | 'self'
  /** Acts within the caller's tenant and takes no foreign id. */
  | 'tenant'
  /** The path carries the id of a resource owned by a tenant. */
  | 'tenant-resource'
  /** The super-admin only. */
  | 'platform';

export type Authentication = 'public' | 'authenticated';

/**
 * How a caller proves who it is: an access token of a user session, or a tenant API key (in
 * `X-API-Key`, or as the bearer token, as OpenAI's SDKs send it). API keys exist to call models
 * for their purposes (libs/authz gives them nothing else): operations take them only when listed.
 */
export type Credential = 'session' | 'api-key';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type GraphqlOperationType = 'query' | 'mutation';

/** The edge-added fields a bus payload may carry beyond what the caller gives. */
export type EdgeAddedField = 'source';

/** What the success answer is: one JSON document, a stream of events, JSON Lines streamed (`{lines}` replies), or a file to download. */
export type ReplyKind = 'json' | 'stream' | 'lines' | 'file';

/** A bus operation whose request is an object (every operation the edge exposes). */
export type ObjectOperation = BusOperation<z.ZodObject, z.ZodType>;

export interface OperationSpec {
  /** The bus operation this row exposes; its request schema is the payload's, its reply the answer's. */
  bus: ObjectOperation;
  summary: string;
  method: HttpMethod;
  /** Under /api/v1, OpenAPI style: `/users/{id}/roles`. */
  path: string;
  /** The payload field a path parameter fills, when not its own name (`{id}` -> `tenant_id`). */
  pathFields?: Readonly<Record<string, string>>;
  /** Payload fields given in the query string (filters, pagination), validated like the body. */
  query?: readonly string[];
  /**
   * The operation's GraphQL field: every operation with a JSON reply has one; a streamed or file
   * reply has none (null), and then names its REST route with `operationId`.
   */
  graphql: { type: GraphqlOperationType; field: string } | null;
  /** The route's name in OpenAPI (camelCase); the GraphQL field's name by default. */
  operationId?: string;
  /** Fields of the bus request the edge fills in itself. */
  adds?: readonly EdgeAddedField[];
  auth: Authentication;
  /** Which credentials an authenticated operation takes (default: a user session only). */
  credentials?: readonly Credential[];
  isolation: Isolation;
  /** A creation answers 201. */
  creates?: boolean;
  /** Work queued rather than done (a data-subject request): answers 202 Accepted. */
  queued?: boolean;
  reply?: ReplyKind;
  /** How long the edge waits for the service; the bus operation's own timeout otherwise. */
  timeoutMs?: number;
}

export interface PathParam {
  /** The name in the path template. */
  name: string;
  /** The payload field it fills. */
  field: string;
}

export interface Operation {
  /** Stable name: the bus operation's service and action (`auth.users.roles.set`). */
  name: string;
  summary: string;
  bus: ObjectOperation;
  method: HttpMethod;
  path: string;
  /** `/api/v1/...` */
  fullPath: string;
  /** The route's name in OpenAPI (the GraphQL field's, when there is one). */
  operationId: string;
  graphql: { type: GraphqlOperationType; field: string } | null;
  /** The bus payload's schema: the bus operation's request. */
  request: z.ZodObject;
  /** What the caller gives (path, query and body, or GraphQL arguments): `request` minus what the edge adds. */
  input: z.ZodObject;
  adds: readonly EdgeAddedField[];
  reply: z.ZodType;
  replyKind: ReplyKind;
  auth: Authentication;
  credentials: readonly Credential[];
  isolation: Isolation;
  pathParams: readonly PathParam[];
  /** The path parameters, by their names in the path, validated with the schemas of the fields they fill. */
  params: z.ZodObject;
  /** The payload fields given in the query string, by name. */
  queryFields: readonly string[];
  /** The part of `input` given in the query string (an empty strict object when there is none). */
  querySchema: z.ZodObject;
  /** The part of `input` given in the body (an empty strict object when there is none). */
  body: z.ZodObject;
  hasBody: boolean;
  /** 201 for creations, 202 for queued work, 204 when the reply is empty, 200 otherwise. */
  status: 200 | 201 | 202 | 204;
  timeoutMs: number | undefined;
  /** Counted against the stricter per-source limit of /api/v1/auth/*. */
  authLimited: boolean;
}

export const API_PREFIX = '/api/v1';
export const AUTH_PATH_PREFIX = '/auth/';

const PATH_PARAM = /\{([a-z_]+)\}/g;

type Mask = Record<string, true> & Record<number, never>;

const maskOf = (fields: readonly string[]): Mask => Object.fromEntries(fields.map((field) => [field, true as const])) as Mask;

/**
 * `schema` without `fields`. zod refuses to omit fields of an object with refinements (they may
 * read the fields left out): its other fields then make a strict object of their own, without the
 * refinements, which the service still checks on the whole request (a usage query's from <= to).
 */
function without(schema: z.ZodObject, fields: readonly string[]): z.ZodObject {
  if (fields.length === 0) return schema;
  if ((schema._zod.def.checks ?? []).length === 0) return schema.omit(maskOf(fields));
  return z.object(Object.fromEntries(Object.entries(schema.shape).filter(([field]) => !fields.includes(field)))).strict();
}

export function defineOperation(spec: OperationSpec): Operation {
  const { bus, pathFields = {}, query = [], adds = [] } = spec;
  const request: z.ZodObject = bus.request;
  const input = without(request, adds);
  const pathParams = [...spec.path.matchAll(PATH_PARAM)].map((match) => ({ name: match[1]!, field: pathFields[match[1]!] ?? match[1]! }));
  const fieldSchema = (field: string, where: string) => {
    const schema = input.shape[field];
    if (!schema) throw new Error(`operation ${bus.subject}: ${where} ${field} fills no field of its input`);
    return schema;
  };
  const params = z.object(Object.fromEntries(pathParams.map(({ name, field }) => [name, fieldSchema(field, `path parameter ${name}`)]))).strict();
  const querySchema = z.object(Object.fromEntries(query.map((field) => [field, fieldSchema(field, 'query parameter')]))).strict();
  const body = without(input, [...pathParams.map(({ field }) => field), ...query]);
  const replyKind = spec.reply ?? 'json';
  const streamed = replyKind === 'stream' || replyKind === 'lines';
  if (replyKind !== 'json' && bus.streaming !== streamed) {
    throw new Error(`operation ${bus.subject}: a streamed reply needs a streaming bus operation, and only it`);
  }
  if (replyKind === 'lines' && bus.reply !== AuditExportChunk) throw new Error(`operation ${bus.subject}: JSON Lines come in {lines} pieces`);
  const credentials = spec.auth === 'public' ? [] : (spec.credentials ?? ['session']);
  if ((spec.graphql === null) !== (replyKind !== 'json')) {
    throw new Error(`operation ${bus.subject}: a JSON reply has a GraphQL field, a streamed or file reply none`);
  }
  const operationId = spec.operationId ?? spec.graphql?.field;
  if (!operationId || !/^[a-z][A-Za-z0-9]*$/.test(operationId)) throw new Error(`operation ${bus.subject}: an operation id in camelCase is needed`);
  if (replyKind === 'file' && bus.reply !== FileReply) throw new Error(`operation ${bus.subject}: a file reply is a FileReply`);
  return Object.freeze({
    name: `${bus.service}.${bus.action}`,
    summary: spec.summary,
    bus,
    method: spec.method,
    path: spec.path,
    fullPath: `${API_PREFIX}${spec.path}`,
    operationId,
    graphql: spec.graphql,
    request,
    input,
    adds,
    reply: bus.reply,
    replyKind,
    auth: spec.auth,
    credentials,
    isolation: spec.isolation,
    pathParams,
    params,
    queryFields: query,
    querySchema,
    body,
    hasBody: Object.keys(body.shape).length > 0,
    status: spec.creates ? 201 : spec.queued ? 202 : isEmptyObject(bus.reply) ? 204 : 200,
    timeoutMs: spec.timeoutMs ?? bus.timeoutMs,
    authLimited: spec.path.startsWith(AUTH_PATH_PREFIX),
  });
}

/** A strict object without fields: what `Empty` replies look like. */
export function isEmptyObject(schema: z.ZodType): boolean {
  const shape = (schema as Partial<z.ZodObject>).shape;
  return shape !== undefined && Object.keys(shape).length === 0;
}

/** `/users/{id}/roles` -> `users/:id/roles`, as Nest routes are written. */
export function routePathOf(operation: Operation): string {
  return operation.path.slice(1).replace(PATH_PARAM, ':$1');
}

/**
 * Why a row disagrees with its bus operation, if it does: the payload the edge sends must be
 * validated by the very schemas the handler validates with (the bus operation's request, field by
 * field), and the caller must give every field but those the edge adds. Rows built by
 * defineOperation agree by construction; the edge checks its table at start all the same.
 */
export function disagreementOf(operation: Operation): string | undefined {
  const requestShape = operation.bus.request.shape as Record<string, z.ZodType>;
  if (operation.request !== operation.bus.request) return 'its payload schema is not its bus operation’s request';
  for (const [field, schema] of Object.entries(operation.input.shape as Record<string, z.ZodType>)) {
    if (requestShape[field] !== schema) return `its input field ${field} is not validated as the bus operation validates it`;
  }
  const given = [...Object.keys(operation.input.shape), ...operation.adds].sort();
  if (given.join() !== Object.keys(requestShape).sort().join()) return 'its input plus what the edge adds is not the bus operation’s request';
  if (operation.reply !== operation.bus.reply) return 'its reply schema is not its bus operation’s reply';
  return undefined;
}

/** Throws when any row of a table disagrees with its bus operation. */
export function checkOperationTable(operations: readonly Operation[]): void {
  for (const operation of operations) {
    const disagreement = disagreementOf(operation);
    if (disagreement) throw new Error(`edge operation ${operation.name}: ${disagreement}`);
  }
}
