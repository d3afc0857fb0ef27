// The edge's reply kinds beyond one JSON document, on a table of its own: a streamed reply as
// server-sent events (an error after the first event as an `event: error` problem, one before it
// as an ordinary problem document), a file as a download checked against its digest, and queued
// work as 202 Accepted. Query parameters reach the service typed as their fields are.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { z } from 'zod';
import { FileReply, Purpose, busOperation, serviceOperations } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { FakeServices, SigningKey, stalledClient, startEdge, type RunningEdge } from '../testing/edge-harness.js';
import { AUTH_OPERATIONS } from '@gardien/contracts';
import { defineOperation } from './operation.js';

const Tick = z.object({ n: z.number().int(), pad: z.string().max(10_000).optional() }).strict();
const watch = busOperation({
  service: 'audit',
  action: 'probe.watch',
  request: z.object({ limit: z.number().int().min(1).max(10), tags: z.array(z.string().max(20)).max(3).optional() }).strict(),
  reply: Tick,
  authenticated: true,
  streaming: true,
});
const download = busOperation({ service: 'audit', action: 'probe.download', request: z.object({ id: z.string().uuid() }).strict(), reply: FileReply, authenticated: true });
// A reply the edge's schemas name (GraphQL types and OpenAPI components are named).
const queue = busOperation({ service: 'audit', action: 'probe.queue', request: z.object({ kind: z.enum(['access', 'erasure']) }).strict(), reply: Purpose, authenticated: true });

// GraphQL needs one query at least.
const read = busOperation({ service: 'audit', action: 'probe.read', request: z.object({}).strict(), reply: Purpose, authenticated: true });

const OPERATIONS = [
  defineOperation({ bus: read, summary: 'read', method: 'GET', path: '/probe', graphql: { type: 'query', field: 'readProbe' }, auth: 'authenticated', isolation: 'tenant' }),
  defineOperation({ bus: watch, summary: 'watch', method: 'GET', path: '/probe/watch', query: ['limit', 'tags'], graphql: null, operationId: 'watchProbe', reply: 'stream', auth: 'authenticated', isolation: 'tenant' }),
  defineOperation({ bus: download, summary: 'download', method: 'GET', path: '/probe/files/{id}', graphql: null, operationId: 'downloadProbe', reply: 'file', auth: 'authenticated', isolation: 'tenant-resource' }),
  defineOperation({ bus: queue, summary: 'queue', method: 'POST', path: '/probe/requests', graphql: { type: 'mutation', field: 'queueProbe' }, queued: true, auth: 'authenticated', isolation: 'tenant' }),
];

const content = Buffer.from('{"entries":[]}\n');
const file: FileReply = { name: 'export-2026-12-01.json', media_type: 'application/json', content_base64: content.toString('base64'), sha256: createHash('sha256').update(content).digest('hex') };

const purpose = { id: 'support', tenant_id: randomUUID(), name: 'Support', legal_basis: 'contract', description: null, retention_days: null, created_at: new Date().toISOString() };

let nats: PrivateNats;
let fakes: FakeServices;
let edge: RunningEdge;
let token: string;

beforeAll(async () => {
  nats = await PrivateNats.start();
  fakes = await FakeServices.start(nats.url);
  const key = await SigningKey.create('key-1');
  token = await key.sign({ sub: randomUUID(), tid: randomUUID(), roles: ['auditor'], mfa: true });
  fakes.on(AUTH_OPERATIONS.jwks.subject, () => ({ response: { keys: [key.jwk] } }));
  fakes.on(download.subject, (payload) =>
    (payload as { id: string }).id.endsWith('0') ? { response: { ...file, sha256: '0'.repeat(64) } } : { response: file },
  );
  fakes.on(queue.subject, () => ({ response: purpose }));
  edge = await startEdge(nats.url, {}, OPERATIONS);
});

afterAll(async () => {
  await edge?.close();
  await fakes?.close();
  await nats?.dispose();
});

const get = (path: string) => fetch(`${edge.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });

test('a streamed reply is a stream of server-sent events, one JSON reply each, then the end; the query arrives typed', async () => {
  fakes.onStream(watch.subject, (payload) => Array.from({ length: (payload as { limit: number }).limit }, (_, n) => ({ response: { n } })));
  const response = await get('/probe/watch?limit=3&tags=a&tags=b');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.text()).toBe('data: {"n":0}\n\ndata: {"n":1}\n\ndata: {"n":2}\n\nevent: end\ndata: {}\n\n');
  expect(fakes.callsTo(watch.subject).at(-1)!.payload).toEqual({ limit: 3, tags: ['a', 'b'] });
});

test('an error after the first event ends the stream with an error event holding a problem document; one before it is a problem answer', async () => {
  fakes.onStream(watch.subject, () => [{ response: { n: 0 } }, { err: { code: 'CONFLICT', message: 'stopped' } }]);
  const text = await (await get('/probe/watch?limit=2')).text();
  expect(text).toMatch(/^data: \{"n":0\}\n\nevent: error\ndata: \{"type":"\/problems\/conflict",.*"status":409,.*\}\n\n$/s);
  fakes.onStream(watch.subject, () => [{ err: { code: 'FORBIDDEN', message: 'no' } }]);
  const refused = await get('/probe/watch?limit=2');
  expect([refused.status, refused.headers.get('content-type')]).toEqual([403, expect.stringMatching(/^application\/problem\+json/)]);
  const invalid = await get('/probe/watch?limit=99');
  expect(invalid.status).toBe(400);
  expect(((await invalid.json()) as { errors: unknown }).errors).toEqual([{ path: 'query.limit', reason: 'too_big' }]);
});

test('a client that goes away mid-stream has the service told to stop, under the token it was called with', async () => {
  fakes.onStream(watch.subject, () => ({ replies: [{ response: { n: 0 } }], keepOpen: true }));
  const cancel = serviceOperations('audit').cancelStream.subject;
  const controller = new AbortController();
  const response = await fetch(`${edge.url}/api/v1/probe/watch?limit=5`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const reader = response.body!.getReader();
  expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: {"n":0}\n\n');
  controller.abort();
  for (let i = 0; i < 50 && fakes.callsTo(cancel).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  const [stopped] = fakes.callsTo(cancel);
  expect(stopped?.token).toBe(fakes.callsTo(watch.subject).at(-1)!.token);
  expect(stopped?.payload).toEqual({ stream_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
});

test('many streamed replies over one kept-alive connection leave no listener behind on its socket', async () => {
  fakes.onStream(watch.subject, () => [{ response: { n: 0 } }]);
  const serverSockets: net.Socket[] = [];
  const server = edge.app.getHttpServer() as http.Server;
  const onConnection = (socket: net.Socket) => serverSockets.push(socket);
  server.on('connection', onConnection);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const streamOnce = () =>
      new Promise<string>((resolve, reject) => {
        const request = http.get(`${edge.url}/api/v1/probe/watch?limit=1`, { agent, headers: { authorization: `Bearer ${token}` } }, (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text)).on('error', reject);
        });
        request.on('error', reject);
      });
    expect(await streamOnce()).toBe('data: {"n":0}\n\nevent: end\ndata: {}\n\n');
    expect(serverSockets).toHaveLength(1);
    const socket = serverSockets[0]!;
    const listenersAfterOne = socket.listenerCount('close');
    for (let i = 0; i < 20; i++) expect(await streamOnce()).toBe('data: {"n":0}\n\nevent: end\ndata: {}\n\n');
    expect(serverSockets).toHaveLength(1);
    expect(socket.listenerCount('close')).toBe(listenersAfterOne);
  } finally {
    server.off('connection', onConnection);
    agent.destroy();
  }
});

test('a client that stops reading is not buffered for: the edge drops it and has the service told to stop', async () => {
  const big = 'x'.repeat(8_000);
  // 24 MB of events, sent at once, and the stream kept open.
  fakes.onStream(watch.subject, () => ({ replies: Array.from({ length: 3_000 }, (_, n) => ({ response: { n, pad: big } })), keepOpen: true }));
  const cancel = serviceOperations('audit').cancelStream.subject;
  const before = fakes.callsTo(cancel).length;
  const { mostBuffered, dropped } = await stalledClient(edge, `GET /api/v1/probe/watch?limit=5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`, () => fakes.callsTo(cancel).length > before);
  expect(fakes.callsTo(cancel).length).toBe(before + 1);
  // What the edge holds for that client stays about one socket buffer, not the whole stream.
  expect(mostBuffered).toBeLessThan(256 * 1024);
  expect(dropped).toBe(true);
}, 20_000);

test('a file reply is a download with its own name and type, and a damaged one is never sent', async () => {
  const response = await get(`/probe/files/${randomUUID().slice(0, -1)}1`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('content-disposition')).toBe('attachment; filename="export-2026-12-01.json"');
  expect(Buffer.from(await response.arrayBuffer())).toEqual(content);
  const damaged = await get(`/probe/files/${randomUUID().slice(0, -1)}0`);
  expect([damaged.status, ((await damaged.json()) as { code: string }).code]).toEqual([500, 'INTERNAL']);
});

test('queued work answers 202 Accepted', async () => {
  const response = await fetch(`${edge.url}/api/v1/probe/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'erasure' }),
  });
  expect([response.status, await response.json()]).toEqual([202, purpose]);
});
