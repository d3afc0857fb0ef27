// What /health and /api/v1/status/:service tell whom: anonymous callers (monitors, anyone on the
// internet) learn up or down per service and overall, nothing more; the instance names
// (`<hostname>-<pid>`), uptimes and checks of a service only reach a verified super-admin.
import { randomUUID } from 'node:crypto';
import { BUS_SERVICES, serviceOperations } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { startEdgeBench, type EdgeBench, type FakeServices, type RunningEdge } from '../testing/edge-harness.js';

const INSTANCE = 'edge-host-4242';

let nats: PrivateNats;
let bench: EdgeBench;
let fakes: FakeServices;
let edge: RunningEdge;
let superAdmin: string;
let tenantAdmin: string;

beforeAll(async () => {
  nats = await PrivateNats.start();
  bench = await startEdgeBench(nats.url, {}, (services) => {
    for (const service of BUS_SERVICES) {
      services.on(serviceOperations(service).health.subject, () => ({
        response: { service, status: 'up', checks: { bus: 'up', database: 'up' }, instance: `${INSTANCE}-${service}`, uptimeSeconds: 1234 },
      }));
    }
  });
  ({ fakes, edge } = bench);
  superAdmin = await bench.key.sign({ sub: randomUUID(), roles: ['superadmin'] });
  tenantAdmin = await bench.key.sign({ sub: randomUUID(), tid: randomUUID(), roles: ['tenant_admin'] });
});

afterAll(async () => {
  await bench?.close();
  await nats?.dispose();
});

async function get(path: string, token?: string): Promise<{ status: number; headers: Headers; text: string; body: Record<string, unknown> }> {
  const response = await fetch(`${edge.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as Record<string, unknown> };
}

test('anonymous: one service is up or down, nothing about its instance', async () => {
  const answer = await get('/api/v1/status/auth');
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ service: 'auth', status: 'up' });
  expect(answer.text).not.toContain(INSTANCE);
});

test('a caller other than the super-admin learns no more than an anonymous one', async () => {
  expect((await get('/api/v1/status/auth', tenantAdmin)).body).toEqual({ service: 'auth', status: 'up' });
});

test('credentials that do not verify are refused, not taken for anonymous', async () => {
  const answer = await get('/api/v1/status/auth', 'not-a-token');
  expect(answer.status).toBe(401);
  expect(answer.text).not.toContain(INSTANCE);
});

test('the super-admin gets the whole report of the service', async () => {
  expect((await get('/api/v1/status/auth', superAdmin)).body).toEqual({
    service: 'auth',
    status: 'up',
    checks: { bus: 'up', database: 'up' },
    instance: `${INSTANCE}-auth`,
    uptimeSeconds: 1234,
  });
});

test('/health says up or down per service and overall, to everyone', async () => {
  const services = Object.fromEntries(BUS_SERVICES.map((service) => [service, 'up']));
  for (const token of [undefined, superAdmin]) {
    const answer = await get('/health', token);
    expect(answer.body).toEqual({ status: 'ok', services });
    expect(answer.text).not.toContain(INSTANCE);
  }
});

test('a degraded platform answers 503 with Retry-After', async () => {
  fakes.on(serviceOperations('audit').health.subject, () => ({ err: { code: 'UNAVAILABLE', message: 'down' } }));
  const answer = await get('/health');
  expect(answer.status).toBe(503);
  expect(answer.body).toMatchObject({ status: 'degraded', services: { audit: 'down' } });
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
});
