// Hostile input, derived from the API's own description: for every operation of the OpenAPI
// document (/api/docs-json), and for its GraphQL field when it has one, fast-check writes requests
// from the operation's schemas and then spoils them: wrong types, missing and unknown fields, huge
// and deeply nested values, NUL and lone surrogates, bytes that are not UTF-8, odd path ids, odd
// headers, other media types. Each request is written byte for byte on a socket, with and without
// valid credentials. Every answer must be below 500; every error must be problem+json with the
// request id (OpenAI's error shape under /v1, a GraphQL error list at /graphql) and must not hold
// any of the canary strings planted in the request. Afterwards the platform must be healthy, no
// service may have exited or logged an error. The operations come from the document: one added
// later is fuzzed without editing this file.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { BUS_SERVICES } from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, dropTestDatabases, rawRequest, testDatabasePrefix, type RawAnswer } from '@gardien/testing';
import {
  EdgeClient,
  INTROSPECTION,
  freshTotp,
  selectionOf,
  someClientAddress,
  totpSecretOf,
  type HttpAnswer,
  type IntrospectedField,
  type IntrospectedType,
  type TypeRef, bootstrapTenantA } from './identity-support.js';

const prefix = testDatabasePrefix();
const PASSWORD = 'a passphrase long enough to pass';
const usedCodes = new Set<string>();
/** Runs per REST operation and per GraphQL field: the whole file stays within a few minutes on 2 cores. */
const REST_RUNS = 100;
const GRAPHQL_RUNS = 40;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

interface DocumentedOperation {
  method: string;
  path: string;
  parameters: Array<{ name: string; in: string; schema: Schema }>;
  body: Schema | undefined;
  graphql: string | undefined;
}

interface Identity {
  email: string;
  tenant: string | undefined;
  totpSecret: string | undefined;
  token: string;
}

/** A request as written on the socket, with the canaries planted in it. */
interface HostileRequest {
  method: string;
  target: string;
  headers: Array<[string, string]>;
  body: Buffer | undefined;
  canaries: string[];
  /** Which error shape applies: problem+json, OpenAI's (under /v1), or a GraphQL error list (/graphql). */
  surface: 'rest' | 'openai' | 'graphql';
}

let nats: PrivateNats;
let platform: PlatformProcesses;
let edge: EdgeClient;
let host = '';
let operations: DocumentedOperation[] = [];
let components: Record<string, Schema> = {};
let graphqlTypes = new Map<string, IntrospectedType>();
const graphqlRoots = new Map<string, IntrospectedField>();
const identities: Identity[] = [];
let apiKey = '';
const seenStatuses = new Map<number, number>();

function ok(answer: HttpAnswer, status: number): HttpAnswer {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

async function logIn(identity: Omit<Identity, 'token'>): Promise<string> {
  const totp = identity.totpSecret ? { totp: await freshTotp(identity.totpSecret, usedCodes) } : {};
  const body = { email: identity.email, password: PASSWORD, ...(identity.tenant ? { tenant: identity.tenant } : {}), ...totp };
  return ok(await edge.call('POST', '/api/v1/auth/login', { body, headers: { 'x-forwarded-for': someClientAddress() } }), 200).body.access_token;
}

/** The fuzzed logout (or anything else) may end a session: those are opened again before the next operation. */
async function renewEndedSessions(): Promise<void> {
  await Promise.all(
    identities.map(async (identity) => {
      const me = await edge.call('GET', '/api/v1/me', { token: identity.token, headers: { 'x-forwarded-for': someClientAddress() } });
      if (me.status === 401) identity.token = await logIn(identity);
    }),
  );
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  // Behind a proxy, as in production: each request comes from an address of its own, so that the
  // per-source limits answer 429 rarely and the fuzzed requests reach validation.
  platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, env: { GARDIEN_TRUSTED_PROXIES: '127.0.0.1' } });
  edge = new EdgeClient(platform.edgeUrl);
  host = new URL(platform.edgeUrl).host;
  const result = await bootstrapTenantA(nats.url, PASSWORD);
  const root = { email: 'root@platform.example', tenant: undefined, totpSecret: totpSecretOf(result.superadmin.totp_uri) };
  const admin = { email: 'admin@a.example', tenant: 'tenant-a', totpSecret: totpSecretOf(result.tenant!.admin.totp_uri) };
  identities.push({ ...root, token: await logIn(root) }, { ...admin, token: await logIn(admin) });
  const adminToken = identities[1]!.token;
  ok(await edge.call('POST', '/api/v1/users', { token: adminToken, body: { email: 'member@a.example', password: PASSWORD, roles: ['user'] } }), 201);
  const member = { email: 'member@a.example', tenant: 'tenant-a', totpSecret: undefined };
  identities.push({ ...member, token: await logIn(member) });
  ok(await edge.call('POST', '/api/v1/purposes', { token: adminToken, body: { id: 'shared', name: 'Shared', legal_basis: 'contract' } }), 201);
  apiKey = ok(await edge.call('POST', '/api/v1/api-keys', { token: adminToken, body: { name: 'fuzz', purpose: 'shared' } }), 201).body.key;

  const document = ok(await edge.call('GET', '/api/docs-json'), 200).body as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, Schema> };
  };
  components = document.components.schemas;
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content;
      return {
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters as DocumentedOperation['parameters'] | undefined) ?? [],
        body: content ? Object.values(content)[0]!.schema : undefined,
        graphql: op['x-gardien-graphql'] as string | undefined,
      };
    }),
  );
  const schema = ok(await edge.graphql(INTROSPECTION, {}, adminToken), 200).body.data.__schema;
  graphqlTypes = new Map(schema.types.map((t: IntrospectedType) => [t.name, t]));
  for (const [kind, root] of [['query', schema.queryType.name], ['mutation', schema.mutationType.name]] as const) {
    for (const field of graphqlTypes.get(root)!.fields!) graphqlRoots.set(`${kind}.${field.name}`, field);
  }
}, 120_000);

afterAll(async () => {
  await platform?.dispose();
  await nats?.dispose();
  await dropTestDatabases(prefix);
});

// ---------------------------------------------------------------------------------------------
// Canaries: distinctive strings planted in hostile values, which no answer to an error may hold.

/** `zq9` and ten letters or digits: found in no message of ours, and shaped like a field name on purpose. */
const canaryArb = fc.stringMatching(/^[a-z0-9]{10}$/).map((tail) => `zq9${tail}`);

/** A planted value and the canaries it carries. */
interface Planted<T> {
  value: T;
  canaries: string[];
}

const planted = <T>(value: T, ...canaries: string[]): Planted<T> => ({ value, canaries });

/** A deep nest of arrays or objects around a canary: within the edge's bound or far beyond it. */
function nested(canary: string, depth: number, objects: boolean): Json {
  let value: Json = canary;
  for (let i = 0; i < depth; i += 1) value = objects ? { a: value } : [value];
  return value;
}

/** Values no schema field wants, each holding a canary where it can hold one. */
const hostileValueArb: fc.Arbitrary<Planted<Json>> = fc.oneof(
  canaryArb.map((c) => planted<Json>(c, c)),
  canaryArb.map((c) => planted<Json>(`${c}\u0000`, c)),
  canaryArb.map((c) => planted<Json>(`\ud800${c}`, c)),
  canaryArb.map((c) => planted<Json>(`${c}\u202e\u200b\ufeff\u{1F600}`, c)),
  canaryArb.map((c) => planted<Json>(`${c}'; DROP TABLE auth_users; --`, c)),
  canaryArb.map((c) => planted<Json>(`../../${c}/%00`, c)),
  fc.tuple(canaryArb, fc.constantFrom(1_000, 100_000, 700_000)).map(([c, size]) => planted<Json>(`${c} `.repeat(Math.ceil(size / 14)), c)),
  fc.tuple(canaryArb, fc.constantFrom(10, 63, 65, 3_000), fc.boolean()).map(([c, depth, objects]) => planted(nested(c, depth, objects), c)),
  canaryArb.map((c) => planted<Json>([c, c, { [c]: c }], c)),
  canaryArb.map((c) => planted<Json>({ $gt: '', [c]: c }, c)),
  fc.constantFrom<Json>(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 1.5, '', [], {}).map((v) => planted(v)),
);

// ---------------------------------------------------------------------------------------------
// Valid-ish values from the JSON Schemas of the document.

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return resolve(components[ref.replace('#/components/schemas/', '')] ?? {});
}

function stringArb(schema: Schema): fc.Arbitrary<string> {
  if (typeof schema.pattern === 'string') {
    try {
      const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= maxLength);
    } catch {
      // a pattern fast-check cannot read: any string then
    }
  }
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = Math.max(minLength, Math.min(typeof schema.maxLength === 'number' ? schema.maxLength : 40, 40));
  // ASCII, any grapheme, or any code point (lone surrogates and controls among them).
  return fc.oneof(...(['grapheme-ascii', 'grapheme', 'binary'] as const).map((unit) => fc.string({ unit, minLength, maxLength })));
}

function validArb(input: Schema, depth = 0): fc.Arbitrary<Json> {
  const schema = resolve(input);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
  if (schema.const !== undefined) return fc.constant(schema.const as Json);
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (variants) return fc.oneof(...variants.map((variant) => validArb(variant, depth)));
  switch (schema.type) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return fc.integer({ min: Math.max(Number(schema.minimum ?? -1e6), -(2 ** 31)), max: Math.min(Number(schema.maximum ?? 1e6), 2 ** 31 - 1) });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = Number(schema.minItems ?? 0);
      return fc.array(validArb((schema.items as Schema | undefined) ?? {}, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min(Number(schema.maxItems ?? 3), 3)) });
    }
    case 'object':
      return objectArb(schema, depth);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  }
}

function objectArb(schema: Schema, depth: number): fc.Arbitrary<Json> {
  if (depth > 4) return fc.constant({});
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const fields = fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, validArb(property, depth + 1)])),
    { requiredKeys: required.filter((name) => name in properties) },
  );
  const additional = schema.additionalProperties;
  if (typeof additional !== 'object' || additional === null) return fields as fc.Arbitrary<Json>;
  const keys = schema.propertyNames ? stringArb(resolve(schema.propertyNames as Schema)) : fc.string({ minLength: 1, maxLength: 10 });
  return fc
    .tuple(fields, fc.dictionary(keys, validArb(additional as Schema, depth + 1), { maxKeys: 3 }))
    .map(([known, extra]) => ({ ...extra, ...known }) as Json);
}

// ---------------------------------------------------------------------------------------------
// Spoiling a valid-ish body.

/** The places in a value where another value can be put (object fields, array items), down to a depth of 6. */
function placesIn(value: Json, path: Array<string | number> = []): Array<Array<string | number>> {
  if (path.length >= 6) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...path, index], ...placesIn(item, [...path, index])]);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [[...path, key], ...placesIn(item, [...path, key])]);
  }
  return [];
}

function replaceAt(value: Json, path: ReadonlyArray<string | number>, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (replacement === undefined && rest.length === 0) copy.splice(head as number, 1);
    else copy[head as number] = replaceAt(copy[head as number]!, rest, replacement);
    return copy;
  }
  const copy: Record<string, Json> = value !== null && typeof value === 'object' ? { ...value } : {};
  if (replacement === undefined && rest.length === 0) delete copy[head as string];
  else copy[head as string] = replaceAt(copy[head as string] ?? {}, rest, replacement);
  return copy;
}

type Spoiled = Planted<Json | undefined>;

/** A JSON body spoiled in one or a few ways (or left valid-ish, one time in eight). */
function spoiledJsonArb(base: fc.Arbitrary<Json>): fc.Arbitrary<Spoiled> {
  const oneSpoil = (value: Json): fc.Arbitrary<Spoiled> => {
    const places = placesIn(value);
    const place = places.length > 0 ? fc.constantFrom(...places) : fc.constant<Array<string | number>>([]);
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant(planted<Json | undefined>(value)) },
      // a field of the wrong type (or a hostile value of the right one)
      fc.tuple(place, hostileValueArb).map(([at, hostile]) => planted<Json | undefined>(replaceAt(value, at, hostile.value), ...hostile.canaries)),
      // a field missing
      place.map((at) => planted<Json | undefined>(at.length ? replaceAt(value, at, undefined) : value)),
      // an unknown field, at the top or inside
      fc.tuple(canaryArb, hostileValueArb, fc.boolean()).map(([key, hostile, inside]) => {
        const target = inside && places.length ? places[0]! : [];
        return planted<Json | undefined>(replaceAt(value, [...target, key], hostile.value), key, ...hostile.canaries);
      }),
      // prototype poisoning
      canaryArb.map((c) => {
        const fields = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
        return planted<Json | undefined>({ ...fields, __proto__: { admin: c }, constructor: { prototype: { c } } } as Json, c);
      }),
      // a body that is no object at all
      hostileValueArb.map((hostile) => planted<Json | undefined>(hostile.value, ...hostile.canaries)),
      fc.constant(planted<Json | undefined>(undefined)),
    );
  };
  return base.chain((value) => oneSpoil(value).chain((first) => fc.boolean().chain((twice) => (twice && first.value !== undefined ? oneSpoil(first.value).map((second) => planted(second.value, ...first.canaries, ...second.canaries)) : fc.constant(first)))));
}

/** The bytes sent as the body: JSON as written, or spoiled below the level of JSON. */
function bodyBytesArb(spoiled: Spoiled): fc.Arbitrary<Planted<Buffer | undefined>> {
  const text = spoiled.value === undefined ? undefined : JSON.stringify(spoiled.value);
  if (text === undefined) return fc.constant(planted<Buffer | undefined>(undefined, ...spoiled.canaries));
  const as = (bytes: Buffer, ...more: string[]) => planted<Buffer | undefined>(bytes, ...spoiled.canaries, ...more);
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(as(Buffer.from(text, 'utf8'))) },
    // bytes that are not UTF-8 inside a string: a lone continuation byte, an overlong NUL, a surrogate, 0xFF
    fc.tuple(canaryArb, fc.constantFrom('80', 'c080', 'eda080', 'fffe', 'f4908080', 'c3')).map(([c, hex]) =>
      as(Buffer.concat([Buffer.from(`{"${c}":"${c}`), Buffer.from(hex, 'hex'), Buffer.from(`${c}",${text.slice(1)}`)]), c),
    ),
    fc.constant(as(Buffer.concat([Buffer.from('efbbbf', 'hex'), Buffer.from(text)]))),
    fc.constant(as(Buffer.from(text, 'utf16le'))),
    fc.constant(as(Buffer.from(text.slice(0, Math.max(1, text.length >> 1))))),
    canaryArb.map((c) => as(Buffer.from(`{"${c}": ${c}, "a": "\\u${c.slice(0, 4)}"}`), c)),
    canaryArb.map((c) => as(Buffer.from(`${text} {"${c}":1}`), c)),
    canaryArb.map((c) => as(Buffer.from(`{"a":"${c}","a":"${c}"}`), c)),
  );
}

// ---------------------------------------------------------------------------------------------
// Paths, query strings, headers.

/** Odd values for a path parameter: percent-encoded or raw, as a client could send it. */
function pathValueArb(schema: Schema): fc.Arbitrary<Planted<string>> {
  return fc.oneof(
    validArb(schema).map((v) => planted(encodeURIComponent(String(v)))),
    fc.constant(planted(randomUUID().toUpperCase())),
    fc.constant(planted('00000000-0000-0000-0000-000000000000')),
    fc.constantFrom('%FF%FE', '%00', '..', '%2e%2e', '%2F', '%', '%zz', '-1', '0', '1e309', 'null', '%E2%80%AE', '%C0%AF', '%ED%A0%80').map((v) => planted(v)),
    canaryArb.map((c) => planted(c, c)),
    canaryArb.map((c) => planted(`${c}%00`, c)),
    canaryArb.map((c) => planted(encodeURIComponent(`${c}é漢字\u{1F600}`), c)),
    canaryArb.map((c) => planted(`${c}é`, c)),
    fc.tuple(canaryArb, fc.constantFrom(200, 5_000, 60_000)).map(([c, size]) => planted(c.repeat(Math.ceil(size / c.length)), c)),
  );
}

function targetArb(op: DocumentedOperation): fc.Arbitrary<Planted<string>> {
  const params = op.parameters.filter((p) => p.in === 'path');
  const values = fc.tuple(...params.map((p) => pathValueArb(p.schema)));
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const query = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(...queryParams.map((p) => validArb(p.schema))).map((vs) => planted(vs.length ? `?${queryParams.map((p, i) => `${p.name}=${encodeURIComponent(String(vs[i]))}`).join('&')}` : '')) },
    canaryArb.map((c) => planted(`?${c}=${c}&${c}=${c}`, c)),
    canaryArb.map((c) => planted(`?__proto__[x]=${c}&a[b][c]=${c}`, c)),
    fc.tuple(canaryArb, fc.constantFrom(...(queryParams.length ? queryParams.map((p) => p.name) : ['limit']))).map(([c, name]) => planted(`?${name}=${c}&${name}=%FF`, c)),
    canaryArb.map((c) => planted(`?q=${c.repeat(1_000)}`, c)),
  );
  return fc.tuple(values, query).map(([vs, q]) => {
    let path = op.path;
    params.forEach((p, i) => (path = path.replace(`{${p.name}}`, vs[i]!.value)));
    return planted(`${path}${q.value}`, ...vs.flatMap((v) => v.canaries), ...q.canaries);
  });
}

function credentialArb(): fc.Arbitrary<Planted<Array<[string, string]>>> {
  return fc.oneof(
    fc.constant(planted<Array<[string, string]>>([])),
    { weight: 12, arbitrary: fc.nat({ max: identities.length - 1 }).map((i) => planted<Array<[string, string]>>([['authorization', `Bearer ${identities[i]!.token}`]])) },
    fc.constant(planted<Array<[string, string]>>([['authorization', `Bearer ${apiKey}`]])),
    fc.constant(planted<Array<[string, string]>>([['x-api-key', apiKey]])),
    canaryArb.map((c) => planted<Array<[string, string]>>([['authorization', `Bearer ${c}.${c}.${c}`]], c)),
    canaryArb.map((c) => planted<Array<[string, string]>>([['authorization', `Bearer gk1.${c}`]], c)),
    canaryArb.map((c) => planted<Array<[string, string]>>([['x-api-key', `gk1.${c}`]], c)),
    canaryArb.map((c) => planted<Array<[string, string]>>([['authorization', `Basic ${Buffer.from(`${c}:${c}`).toString('base64')}`]])),
    canaryArb.map((c) => planted<Array<[string, string]>>([['authorization', `Bearer ${identities[0]!.token}`], ['authorization', `Bearer ${c}`]], c)),
    fc.constant(planted<Array<[string, string]>>([['authorization', 'Bearer ']])),
  );
}

/** Headers beside the credentials: mostly ordinary, sometimes hostile. */
function headersArb(hasBody: boolean): fc.Arbitrary<Planted<Array<[string, string]>>> {
  const json: Array<[string, string]> = hasBody ? [['content-type', 'application/json']] : [];
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(planted(json)) },
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/xml', 'application/graphql', 'application/json, text/plain', '*/*').map((type) => planted<Array<[string, string]>>([['content-type', type]])),
    canaryArb.map((c) => planted<Array<[string, string]>>([...json, ['x-request-id', c]], c)),
    canaryArb.map((c) => planted<Array<[string, string]>>([...json, ['traceparent', `00-${c}-${c}-01`]], c)),
    fc.tuple(canaryArb, fc.constantFrom(4_000, 20_000, 70_000)).map(([c, size]) => planted<Array<[string, string]>>([...json, ['x-note', `${c}${'a'.repeat(size)}`]], c)),
    canaryArb.map((c) => planted<Array<[string, string]>>([...json, ['x-forwarded-for', `${c}, 999.1.1.1`]], c)),
    canaryArb.map((c) => planted<Array<[string, string]>>([...json, ['accept', `text/html, ${c}/${c}`]], c)),
    canaryArb.map((c) => planted<Array<[string, string]>>([...json, ['x-http-method-override', 'DELETE'], ['x-original-url', `/${c}`]], c)),
    canaryArb.map((c) => planted<Array<[string, string]>>([...json, ['content-encoding', 'gzip'], ['x-c', c]], c)),
    fc.constant(planted<Array<[string, string]>>([...json, ['transfer-encoding', 'chunked'], ['content-length', '3']])),
    canaryArb.map((c) => planted<Array<[string, string]>>([...json, ['x-bad', `${c}\u00ff\u0001`]], c)),
  );
}

/** Bodies up to a few times the edge's limit: larger ones test the socket, not the edge. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

function restRequestArb(op: DocumentedOperation): fc.Arbitrary<HostileRequest> {
  // Operations without a body get one too, now and then.
  const bodyArb: fc.Arbitrary<Spoiled> = op.body
    ? spoiledJsonArb(validArb(op.body))
    : fc.oneof({ weight: 3, arbitrary: fc.constant(planted<Json | undefined>(undefined)) }, hostileValueArb.map((h) => planted<Json | undefined>(h.value, ...h.canaries)));
  return fc
    .record({
      target: targetArb(op),
      body: bodyArb.chain(bodyBytesArb),
      credentials: credentialArb(),
      headers: headersArb(true),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(op.method) }, fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND')),
    })
    .map(({ target, body, credentials, headers, method }): HostileRequest => ({
      method,
      target: target.value,
      headers: [...credentials.value, ...headers.value],
      body: body.value,
      canaries: [...target.canaries, ...body.canaries, ...credentials.canaries, ...headers.canaries],
      surface: target.value.startsWith('/v1/') || target.value === '/v1' ? 'openai' : 'rest',
    }))
    .filter((request) => (request.body?.length ?? 0) <= MAX_BODY_BYTES);
}

// ---------------------------------------------------------------------------------------------
// GraphQL: the operation's field, its arguments typed by introspection, valued from the body schema.

function typeString(type: TypeRef): string {
  if (type.kind === 'NON_NULL') return `${typeString(type.ofType!)}!`;
  if (type.kind === 'LIST') return `[${typeString(type.ofType!)}]`;
  return type.name!;
}

function graphqlRequestArb(op: DocumentedOperation, kind: string, field: IntrospectedField): fc.Arbitrary<HostileRequest> {
  const properties = (op.body ? (resolve(op.body).properties as Record<string, Schema> | undefined) : undefined) ?? {};
  const pathSchemas = Object.fromEntries(op.parameters.map((p) => [p.name, p.schema]));
  const argValue = (name: string): fc.Arbitrary<Json> => {
    const schema = properties[name] ?? pathSchemas[name] ?? (name.endsWith('id') ? Object.values(pathSchemas)[0] : undefined);
    return schema ? validArb(schema) : fc.string({ maxLength: 12 });
  };
  const variables = fc.record(Object.fromEntries(field.args.map((arg) => [arg.name, argValue(arg.name)]))) as fc.Arbitrary<Json>;
  const declared = field.args.map((arg) => `$${arg.name}: ${typeString(arg.type)}`).join(', ');
  const passed = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = selectionOf(field.type, graphqlTypes);
  const document = `${kind}${declared ? `(${declared})` : ''} { result: ${field.name}${passed ? `(${passed})` : ''} ${selection} }`;
  const documentArb: fc.Arbitrary<Planted<string>> = fc.oneof(
    { weight: 5, arbitrary: fc.constant(planted(document)) },
    canaryArb.map((c) => planted(`${kind} { ${field.name}(${c}: "${c}") ${selection} }`, c)),
    canaryArb.map((c) => planted(`${kind} { ${c} ${field.name} ${selection} }`, c)),
    canaryArb.map((c) => planted(`${document.slice(0, document.length >> 1)} "${c}`, c)),
    canaryArb.map((c) => planted(`${kind} { ${Array.from({ length: 200 }, (_, i) => `a${i}: ${field.name}`).join(' ')} } # ${c}`, c)),
    canaryArb.map((c) => planted(`query { __typename ${'{ __typename '.repeat(500)} } # ${c}`, c)),
    canaryArb.map((c) => planted(`${document} fragment ${c} on Query { __typename ...${c} }`, c)),
    canaryArb.map((c) => planted(`${kind} { result: ${field.name} @${c} ${selection} } \u0000`, c)),
  );
  return fc
    .record({
      document: documentArb,
      variables: spoiledJsonArb(variables),
      credentials: credentialArb(),
      headers: headersArb(true),
      envelope: fc.constantFrom('object', 'batch', 'raw-query', 'text/plain', 'get'),
    })
    .chain(({ document, variables, credentials, headers, envelope }) => {
      const payload: Json = { query: document.value, ...(variables.value !== undefined ? { variables: variables.value } : {}) };
      const spoiled = planted<Json | undefined>(envelope === 'batch' ? [payload, payload] : envelope === 'raw-query' ? document.value : payload, ...document.canaries, ...variables.canaries);
      return bodyBytesArb(spoiled).map((body) => {
        const head = envelope === 'text/plain' ? [['content-type', 'text/plain'] as [string, string], ...headers.value.filter(([n]) => n !== 'content-type')] : headers.value;
        const get = envelope === 'get';
        return {
          method: get ? 'GET' : 'POST',
          target: get ? `/graphql?query=${encodeURIComponent(document.value)}` : '/graphql',
          headers: [...credentials.value, ...head],
          body: get ? undefined : body.value,
          canaries: [...body.canaries, ...credentials.canaries, ...headers.canaries],
          surface: 'graphql' as const,
        };
      });
    })
    .filter((request) => (request.body?.length ?? 0) <= MAX_BODY_BYTES);
}

// ---------------------------------------------------------------------------------------------
// Sending, and what every answer must be.

function encode(request: HostileRequest): Buffer {
  const headers = [...request.headers];
  if (!headers.some(([name]) => name === 'x-forwarded-for')) headers.push(['x-forwarded-for', someClientAddress()]);
  if (request.body !== undefined && !headers.some(([name]) => name === 'content-length')) headers.push(['content-length', String(request.body.length)]);
  const head = [`${request.method} ${request.target} HTTP/1.1`, `host: ${host}`, 'connection: close', ...headers.map(([name, value]) => `${name}: ${value}`)].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'utf8'), request.body ?? Buffer.alloc(0)]);
}

function dechunk(answer: RawAnswer): string {
  if (!/chunked/i.test(answer.headers['transfer-encoding'] ?? '')) return answer.body;
  let rest = answer.body;
  let out = '';
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 4 + size);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What is wrong with an answer (empty when nothing is). */
function faultsOf(request: HostileRequest, answer: RawAnswer): string[] {
  const faults: string[] = [];
  const body = dechunk(answer);
  const json = parse(body) as Record<string, unknown> | undefined;
  const type = answer.headers['content-type'] ?? '';
  const requestId = answer.headers['x-request-id'];
  if (answer.status >= 500) faults.push(`status ${answer.status}`);
  // A GraphQL answer's error list (a problem document has an `errors` list of its own).
  const graphqlErrors =
    request.surface === 'graphql' && /^application\/(graphql-response\+)?json/.test(type) && Array.isArray(json?.errors) ? (json.errors as Array<Record<string, unknown>>) : undefined;
  const isError = answer.status >= 400 || (graphqlErrors !== undefined && graphqlErrors.length > 0);
  if (answer.status >= 400 && request.method !== 'HEAD') {
    if (!requestId) faults.push('no x-request-id header');
    if (request.surface === 'openai') {
      const error = json?.error as Record<string, unknown> | undefined;
      if (!/^application\/json/.test(type)) faults.push(`content-type ${type} on /v1`);
      if (typeof error?.message !== 'string' || typeof error.type !== 'string' || typeof error.code !== 'string' || !('param' in error)) faults.push('not the OpenAI error shape');
      else if (error.request_id !== requestId) faults.push('request_id differs from x-request-id');
    } else if (!graphqlErrors) {
      if (!/^application\/problem\+json(;|$)/.test(type)) faults.push(`content-type ${type || '(none)'}`);
      if (json?.status !== answer.status || typeof json.type !== 'string' || typeof json.title !== 'string' || typeof json.code !== 'string') faults.push('not a problem document');
      else if (json.request_id !== requestId) faults.push('request_id differs from x-request-id');
    }
  }
  if (graphqlErrors && !graphqlErrors.every((e) => typeof e.message === 'string' && typeof (e.extensions as Record<string, unknown> | undefined)?.code === 'string')) {
    faults.push('a GraphQL error without a code');
  }
  if (isError) {
    const echoed = request.canaries.filter((canary) => answer.raw.includes(canary));
    if (echoed.length > 0) faults.push(`echoes ${echoed.join(', ')}`);
  }
  if (/\bat \S+ \(|\.[jt]s:\d+:\d+|node_modules/.test(answer.raw)) faults.push('a stack trace');
  return faults;
}

async function send(request: HostileRequest): Promise<void> {
  const answer = await rawRequest(`http://${host}`, encode(request), 15_000);
  seenStatuses.set(answer.status, (seenStatuses.get(answer.status) ?? 0) + 1);
  const faults = faultsOf(request, answer);
  if (faults.length > 0) {
    throw new Error(`${request.method} ${request.target.slice(0, 200)} -> ${answer.status}: ${faults.join('; ')}\n${answer.raw.slice(0, 600)}`);
  }
}

function shown(request: HostileRequest): string {
  const head = request.headers.map(([n, v]) => `${n}: ${v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v}`).join(' | ');
  const body = request.body === undefined ? '(no body)' : request.body.length > 300 ? `${request.body.subarray(0, 300).toString('latin1')}…(${request.body.length} bytes)` : request.body.toString('latin1');
  return `${request.method} ${request.target.slice(0, 200)} [${head}] ${body}`;
}

// ---------------------------------------------------------------------------------------------

test('the document lists the operations, and those with a GraphQL field have it in the schema', () => {
  expect(operations.length).toBeGreaterThanOrEqual(30);
  for (const op of operations.filter((o) => o.graphql)) expect({ op: op.graphql, inSchema: graphqlRoots.has(op.graphql!) }).toEqual({ op: op.graphql, inSchema: true });
});

test('REST: every documented operation, fed hostile requests, answers below 500 with an error of ours that echoes nothing', async () => {
  for (const op of operations) {
    await fc.assert(
      fc.asyncProperty(restRequestArb(op), async (request) => send(request)),
      { numRuns: REST_RUNS, endOnFailure: true, reporter: (details) => { if (details.failed) throw new Error(`${op.method} ${op.path}: seed ${details.seed}, path ${details.counterexamplePath}\n${details.counterexample ? shown(details.counterexample[0]) : ''}\n${String(details.errorInstance)}`); } },
    );
    await renewEndedSessions();
  }
}, 240_000);

test('GraphQL: the field of every documented operation, fed hostile requests, answers below 500 with errors of ours that echo nothing', async () => {
  const fields = operations.filter((op) => op.graphql);
  expect(fields.length).toBeGreaterThan(20);
  for (const op of fields) {
    const [kind] = op.graphql!.split('.');
    await fc.assert(
      fc.asyncProperty(graphqlRequestArb(op, kind!, graphqlRoots.get(op.graphql!)!), async (request) => send(request)),
      { numRuns: GRAPHQL_RUNS, endOnFailure: true, reporter: (details) => { if (details.failed) throw new Error(`${op.graphql}: seed ${details.seed}, path ${details.counterexamplePath}\n${details.counterexample ? shown(details.counterexample[0]) : ''}\n${String(details.errorInstance)}`); } },
    );
    await renewEndedSessions();
  }
}, 240_000);

test('afterwards the platform is healthy: every service up, none exited, no error logged', async () => {
  // The fuzz reached past the front door: validation refusals, authenticated answers and successes among them.
  expect([...seenStatuses.keys()]).toEqual(expect.arrayContaining([200, 400, 401]));
  const health = await edge.call('GET', '/health');
  expect(health).toMatchObject({ status: 200, body: { status: 'ok', services: Object.fromEntries(BUS_SERVICES.map((s) => [s, 'up'])) } });
  for (const service of [...BUS_SERVICES, 'edge-api']) expect({ service, running: platform.isRunning(service) }).toEqual({ service, running: true });
  const errors = platform.lines.filter((entry) => {
    const line = parse(entry.line) as { level?: number } | undefined;
    return (line?.level ?? 0) >= 50;
  });
  expect(errors.map((e) => `${e.process}: ${e.line.slice(0, 300)}`)).toEqual([]);
});
