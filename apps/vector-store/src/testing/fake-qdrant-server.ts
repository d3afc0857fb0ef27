// A Qdrant server for tests, inside the test process: the REST calls the Qdrant backend makes
// (collections, payload indexes, upsert, query, count, delete by filter), answered from memory the
// way Qdrant answers them, filters evaluated as Qdrant's language defines them (must, should,
// must_not, nested filters, match value and any, dotted keys). It records every request, so that
// tests can check what each call carried (its tenant filter). No Qdrant server runs on this
// repository's machines; this is what the adapter is tested against.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

interface StoredPoint {
  id: string;
  vector: number[];
  payload: Record<string, unknown>;
}

interface StoredCollection {
  size: number;
  distance: string;
  indexes: Record<string, unknown>;
  points: Map<string, StoredPoint>;
}

type Json = Record<string, unknown>;

export class FakeQdrantServer {
  readonly requests: RecordedRequest[] = [];
  readonly collections = new Map<string, StoredCollection>();
  /** While true, every request is answered 503 (Qdrant up but failing); `stop()` makes it unreachable. */
  failing = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeQdrantServer> {
    const holder: { fake?: FakeQdrantServer } = {};
    const server = createServer((request, response) => void holder.fake!.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeQdrantServer(server, `http://127.0.0.1:${port}`);
    return holder.fake;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The requests that read or remove points (query, count, scroll, delete): those a tenant filter must guard. */
  pointReads(): RecordedRequest[] {
    return this.requests.filter(({ path }) => /\/points\/(query|search|count|scroll|delete)$/.test(path));
  }

  /** Every payload stored, in every collection (what a dump of Qdrant would hold besides vectors). */
  payloads(): Array<Record<string, unknown>> {
    return [...this.collections.values()].flatMap((collection) => [...collection.points.values()].map((point) => point.payload));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const body = await readJson(request);
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, body });
    if (this.failing) return send(response, 503, { status: { error: 'unavailable' } });
    try {
      const result = this.route(request.method ?? 'GET', url.pathname, body as Json);
      if (result === undefined) return send(response, 404, { status: { error: 'Not found' } });
      send(response, 200, { result, status: 'ok', time: 0 });
    } catch (error) {
      send(response, 400, { status: { error: (error as Error).message } });
    }
  }

  private route(method: string, path: string, body: Json): unknown {
    const match = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (!match) return undefined;
    const name = decodeURIComponent(match[1]!);
    const rest = match[2] ?? '';
    const collection = this.collections.get(name);
    if (method === 'GET' && rest === '/exists') return { exists: collection !== undefined };
    if (method === 'PUT' && rest === '') return this.create(name, body);
    if (!collection) return undefined;
    if (method === 'GET' && rest === '') return { status: 'green', points_count: collection.points.size, config: { params: { vectors: { size: collection.size, distance: collection.distance } } }, payload_schema: collection.indexes };
    if (method === 'PUT' && rest === '/index') {
      collection.indexes[String(body.field_name)] = body.field_schema;
      return { operation_id: 0, status: 'completed' };
    }
    if (method === 'PUT' && rest === '/points') return this.upsert(collection, body);
    if (method === 'POST' && rest === '/points/query') return this.query(collection, body);
    if (method === 'POST' && rest === '/points/count') return { count: this.matching(collection, body.filter as Json | undefined).length };
    if (method === 'POST' && rest === '/points/delete') {
      for (const point of this.matching(collection, body.filter as Json | undefined)) collection.points.delete(point.id);
      return { operation_id: 0, status: 'completed' };
    }
    return undefined;
  }

  private create(name: string, body: Json): boolean {
    const vectors = body.vectors as { size: number; distance: string };
    if (this.collections.has(name)) throw new Error('collection exists');
    this.collections.set(name, { size: vectors.size, distance: vectors.distance, indexes: {}, points: new Map() });
    return true;
  }

  private upsert(collection: StoredCollection, body: Json): Json {
    for (const point of body.points as StoredPoint[]) {
      if (point.vector.length !== collection.size) throw new Error(`wrong vector dimension: expected ${collection.size}, got ${point.vector.length}`);
      collection.points.set(String(point.id), { id: String(point.id), vector: point.vector, payload: point.payload });
    }
    return { operation_id: 0, status: 'completed' };
  }

  private query(collection: StoredCollection, body: Json): Json {
    const query = body.query as number[];
    if (query.length !== collection.size) throw new Error('wrong query dimension');
    const limit = Number(body.limit ?? 10);
    const scored = this.matching(collection, body.filter as Json | undefined)
      .map((point) => ({ id: point.id, version: 0, score: cosine(query, point.vector), payload: selectPayload(point.payload, body.with_payload) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
    return { points: scored };
  }

  private matching(collection: StoredCollection, filter: Json | undefined): StoredPoint[] {
    return [...collection.points.values()].filter((point) => filter === undefined || matchesFilter(filter, point.payload, point.id));
  }
}

function listOf(value: unknown): Json[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Json[];
}

/** Qdrant's filter semantics: every `must`, at least one `should` (when any is given), no `must_not`; `has_id` reads the point's id. */
export function matchesFilter(filter: Json, payload: Record<string, unknown>, id?: string): boolean {
  const must = listOf(filter.must);
  const should = listOf(filter.should);
  const mustNot = listOf(filter.must_not);
  const holds = (c: Json) => matchesCondition(c, payload, id);
  return must.every(holds) && (should.length === 0 || should.some(holds)) && !mustNot.some(holds);
}

function matchesCondition(condition: Json, payload: Record<string, unknown>, id: string | undefined): boolean {
  if ('must' in condition || 'should' in condition || 'must_not' in condition) return matchesFilter(condition, payload, id);
  if (Array.isArray(condition.has_id)) return id !== undefined && condition.has_id.map(String).includes(id);
  if (typeof condition.key !== 'string' || !condition.match) throw new Error('unsupported condition');
  const value = valueAt(payload, condition.key);
  const match = condition.match as { value?: unknown; any?: unknown[] };
  if ('value' in match) return value === match.value;
  if (Array.isArray(match.any)) return match.any.includes(value);
  throw new Error('unsupported match');
}

function valueAt(payload: Record<string, unknown>, key: string): unknown {
  let value: unknown = payload;
  for (const part of key.split('.')) value = typeof value === 'object' && value !== null ? (value as Json)[part] : undefined;
  return value;
}

function selectPayload(payload: Record<string, unknown>, selector: unknown): Record<string, unknown> | null {
  if (selector === true) return payload;
  if (Array.isArray(selector)) return Object.fromEntries(selector.filter((key) => key in payload).map((key) => [key, payload[key as string]]));
  return null;
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
