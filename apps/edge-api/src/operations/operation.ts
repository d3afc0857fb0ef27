// What a public operation is, and what the edge derives from it once: REST path parameters and
// body, success status, and the limits that apply. REST and GraphQL read only these objects.
import { z } from 'zod';

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

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type GraphqlOperationType = 'query' | 'mutation';

/** The edge-added fields a bus payload may carry beyond what the caller gives. */
export type EdgeAddedField = 'source';

export interface OperationSpec {
  /** Stable name, the bus action it maps to (`auth.login`, `users.roles.set`). */
  name: string;
  summary: string;
  method: HttpMethod;
  /** Under /api/v1, OpenAPI style: `/users/{id}/roles`. */
  path: string;
  /** The payload field a path parameter fills, when not its own name (`{id}` -> `tenant_id`). */
  pathFields?: Readonly<Record<string, string>>;
  graphql: { type: GraphqlOperationType; field: string };
  subject: string;
  /** The bus payload's schema. */
  request: z.ZodObject;
  /** What the caller gives (path parameters + body, or GraphQL arguments); `request` unless the edge adds fields. */
  input?: z.ZodObject;
  /** Fields of `request` the edge fills in itself. */
  adds?: readonly EdgeAddedField[];
  reply: z.ZodType;
  auth: Authentication;
  isolation: Isolation;
  /** A creation answers 201. */
  creates?: boolean;
}

export interface PathParam {
  /** The name in the path template. */
  name: string;
  /** The payload field it fills. */
  field: string;
}

export interface Operation extends Required<Omit<OperationSpec, 'creates' | 'pathFields'>> {
  /** `/api/v1/...` */
  fullPath: string;
  pathParams: readonly PathParam[];
  /** The path parameters, by their names in the path, validated with the schemas of the fields they fill. */
  params: z.ZodObject;
  /** The part of `input` given in the body (an empty strict object when there is none). */
  body: z.ZodObject;
  hasBody: boolean;
  /** 201 for creations, 204 when the reply is empty, 200 otherwise. */
  status: 200 | 201 | 204;
  /** Counted against the stricter per-source limit of /api/v1/auth/*. */
  authLimited: boolean;
}

export const API_PREFIX = '/api/v1';
export const AUTH_PATH_PREFIX = '/auth/';

const PATH_PARAM = /\{([a-z_]+)\}/g;

export function defineOperation(spec: OperationSpec): Operation {
  const { pathFields = {}, creates = false, ...rest } = spec;
  const input = spec.input ?? spec.request;
  const pathParams = [...spec.path.matchAll(PATH_PARAM)].map((match) => ({ name: match[1]!, field: pathFields[match[1]!] ?? match[1]! }));
  const paramSchemas = pathParams.map(({ name, field }) => {
    const schema = input.shape[field];
    if (!schema) throw new Error(`operation ${spec.name}: path parameter ${name} fills no field of its input`);
    return [name, schema] as const;
  });
  const body = input.omit(Object.fromEntries(pathParams.map(({ field }) => [field, true as const])) as Record<string, true> & Record<number, never>);
  const replyIsEmpty = isEmptyObject(spec.reply);
  return Object.freeze({
    ...rest,
    input,
    adds: spec.adds ?? [],
    fullPath: `${API_PREFIX}${spec.path}`,
    pathParams,
    params: z.object(Object.fromEntries(paramSchemas)).strict(),
    body,
    hasBody: Object.keys(body.shape).length > 0,
    status: creates ? 201 : replyIsEmpty ? 204 : 200,
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
