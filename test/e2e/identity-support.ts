// Helpers of the identity end-to-end tests: HTTP calls to the edge, TOTP codes, the CLI.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { generate } from 'otplib';
import { BootstrapResult } from '@gardien/contracts';
import { REPO_ROOT } from '@gardien/testing';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON came back
  body: any;
}

export class EdgeClient {
  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, options: { body?: unknown; token?: string; apiKey?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, headers: response.headers, body };
  }

  /** A GraphQL operation at /graphql. */
  graphql(query: string, variables: Record<string, unknown> = {}, token?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.call('POST', '/graphql', { body: { query, variables }, headers, ...(token ? { token } : {}) });
  }
}

/** A client address of the documentation range, for tests that trust X-Forwarded-For from 127.0.0.1. */
export function someClientAddress(): string {
  return `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
}

export function totpSecretOf(uri: string): string {
  const secret = new URL(uri).searchParams.get('secret');
  if (!secret) throw new Error('an otpauth URI without a secret');
  return secret;
}

/** A code for the next time step not used yet: TOTP codes are accepted once. */
export async function freshTotp(secret: string, used: Set<string>): Promise<string> {
  for (;;) {
    const code = await generate({ secret });
    const key = `${secret}:${code}`;
    if (!used.has(key)) {
      used.add(key);
      return code;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `gardien` CLI with the given arguments and environment. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps', 'cli', 'dist', 'main.js'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Introspection of the root fields of a GraphQL schema, with their arguments and result types. */
export const INTROSPECTION = `{
  __schema {
    queryType { name } mutationType { name }
    types { kind name
      fields { name args { name type { ...T } } type { ...T } }
      inputFields { name type { ...T } }
      enumValues { name }
    }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`;

export interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

export interface IntrospectedField {
  name: string;
  args: Array<{ name: string; type: TypeRef }>;
  type: TypeRef;
}

export interface IntrospectedType {
  kind: string;
  name: string;
  fields: IntrospectedField[] | null;
}

export function namedType(type: TypeRef): TypeRef {
  return type.ofType ? namedType(type.ofType) : type;
}

export function isNonNull(type: TypeRef): boolean {
  return type.kind === 'NON_NULL';
}

/** A selection set that reads every scalar of a result type, and of its objects two levels down. */
export function selectionOf(type: TypeRef, types: Map<string, IntrospectedType>, depth = 0): string {
  const named = namedType(type);
  if (named.kind !== 'OBJECT') return '';
  const fields = types.get(named.name!)?.fields ?? [];
  const parts = fields
    .map((field) => {
      const inner = namedType(field.type);
      if (inner.kind !== 'OBJECT') return field.name;
      if (depth >= 2) return '';
      const nested = selectionOf(field.type, types, depth + 1);
      return nested ? `${field.name} ${nested}` : '';
    })
    .filter(Boolean);
  return `{ ${parts.join(' ')} }`;
}

/** A GraphQL literal for a JSON value (enum values unquoted when the argument is an enum). */
export function literal(value: unknown, type: TypeRef, types: Map<string, IntrospectedType>): string {
  const named = namedType(type);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, listItem(type), types)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${literal(v, fieldTypeOf(named.name!, k, types) ?? named, types)}`).join(', ')} }`;
  }
  if (named.kind === 'ENUM' && typeof value === 'string') return value;
  return JSON.stringify(value);
}

function listItem(type: TypeRef): TypeRef {
  if (type.kind === 'LIST') return type.ofType!;
  return type.ofType ? listItem(type.ofType) : type;
}

function fieldTypeOf(typeName: string, field: string, types: Map<string, IntrospectedType>): TypeRef | undefined {
  const type = types.get(typeName) as (IntrospectedType & { inputFields?: Array<{ name: string; type: TypeRef }> }) | undefined;
  return type?.inputFields?.find((f) => f.name === field)?.type;
}

/** Which caller an operation of the OpenAPI document serves (x-gardien-isolation). */
export type Isolation = 'public' | 'self' | 'tenant' | 'tenant-resource' | 'platform';

export interface DocumentedOperation {
  method: string;
  path: string;
  /** The bus operation: `<service>.<action>`. */
  name: string;
  isolation: Isolation;
  /** `query.<field>` or `mutation.<field>` when GraphQL has it. */
  graphql: string | undefined;
  hasBody: boolean;
}

/** Every operation of the edge's published OpenAPI document (/api/docs-json), with the marks the edge gives it. */
export async function documentedOperations(edge: EdgeClient): Promise<DocumentedOperation[]> {
  const answer = await edge.call('GET', '/api/docs-json');
  if (answer.status !== 200) throw new Error(`the OpenAPI document answered ${answer.status}`);
  const document = answer.body as { paths: Record<string, Record<string, Record<string, unknown>>> };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      name: String(op['x-gardien-operation']),
      isolation: op['x-gardien-isolation'] as Isolation,
      graphql: op['x-gardien-graphql'] as string | undefined,
      hasBody: op.requestBody !== undefined,
    })),
  );
}

/** The root fields of the GraphQL schema (`query.<field>`, `mutation.<field>`) and its types, by introspection. */
export async function graphqlSchema(edge: EdgeClient, token: string): Promise<{ roots: Map<string, IntrospectedField>; types: Map<string, IntrospectedType> }> {
  const schema = (await edge.graphql(INTROSPECTION, {}, token)).body.data.__schema;
  const types = new Map<string, IntrospectedType>(schema.types.map((t: IntrospectedType) => [t.name, t]));
  const roots = new Map<string, IntrospectedField>();
  for (const [kind, root] of [['query', schema.queryType.name], ['mutation', schema.mutationType.name]] as const) {
    for (const field of types.get(root)!.fields!) roots.set(`${kind}.${field.name}`, field);
  }
  return { roots, types };
}

/** A call of a root field, its arguments taken from `values` (each required one must have a value), reading every scalar of its result. */
export function graphqlCall(kind: string, field: IntrospectedField, values: Record<string, unknown>, types: Map<string, IntrospectedType>): string {
  for (const arg of field.args) if (isNonNull(arg.type) && values[arg.name] === undefined) throw new Error(`no value for required argument ${arg.name} of ${field.name}`);
  const args = field.args.filter((arg) => values[arg.name] !== undefined);
  const argList = args.length ? `(${args.map((arg) => `${arg.name}: ${literal(values[arg.name], arg.type, types)}`).join(', ')})` : '';
  return `${kind} { result: ${field.name}${argList} ${selectionOf(field.type, types)} }`;
}

/** `gardien bootstrap` of the super-admin root@platform.example and tenant-a (admin@a.example), all with `password`. */
export async function bootstrapTenantA(natsUrl: string, password: string): Promise<BootstrapResult> {
  const run = await runCli(
    ['bootstrap', '--admin-email', 'root@platform.example', '--tenant', 'tenant-a', '--tenant-name', 'A', '--tenant-admin-email', 'admin@a.example'],
    { GARDIEN_NATS_URL: natsUrl, GARDIEN_BOOTSTRAP_PASSWORD: password },
  );
  if (run.code !== 0) throw new Error(`bootstrap failed: ${run.stderr}`);
  return BootstrapResult.parse(JSON.parse(run.stdout));
}
