// The platform as an operator sees it: every service up behind /health, a killed service reported
// "down" within 5 s, and the platform healthy again once it is back.
import { BUS_SERVICES } from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, dropTestDatabases, testDatabasePrefix, waitFor } from '@gardien/testing';

const prefix = testDatabasePrefix();
let platform: PlatformProcesses;
let nats: PrivateNats;

beforeAll(async () => {
  nats = await PrivateNats.start();
  platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url });
});

afterAll(async () => {
  await platform?.dispose();
  await nats?.dispose();
  await dropTestDatabases(prefix);
});

async function health(): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${platform.edgeUrl}/health`);
  return { status: response.status, body: await response.json() };
}

const allUp = Object.fromEntries(BUS_SERVICES.map((service) => [service, 'up']));

test('GET /health answers 200 with every service up', async () => {
  expect(await health()).toEqual({ status: 200, body: { status: 'ok', services: allUp } });
});

test('a killed service is reported down within 5 s, and up again once restarted', async () => {
  await platform.kill('vector-store');
  const killedAt = Date.now();
  let last = await health();
  while (last.status !== 503 && Date.now() - killedAt < 5_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await health();
  }
  expect(Date.now() - killedAt).toBeLessThan(5_000);
  expect(last).toEqual({ status: 503, body: { status: 'degraded', services: { ...allUp, 'vector-store': 'down' } } });

  await platform.launch('vector-store', 'vector-store');
  await waitFor(async () => (await health()).status === 200, 5_000, 'health to be ok again');
  expect(await health()).toEqual({ status: 200, body: { status: 'ok', services: allUp } });
});

test('GET /api/v1/status/:service makes one round trip to that service, and tells an anonymous caller up or down only', async () => {
  const response = await fetch(`${platform.edgeUrl}/api/v1/status/auth`, { headers: { 'x-request-id': '6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('x-request-id')).toBe('6f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b');
  // The instance name, uptime and checks are the super-admin's (apps/edge-api/src/status/status.int-spec.ts).
  expect(await response.json()).toEqual({ service: 'auth', status: 'up' });
});

test('errors leave as problem+json with a request id and no stack trace', async () => {
  const unknownRoute = await fetch(`${platform.edgeUrl}/api/v1/nothing-here`);
  expect(unknownRoute.status).toBe(404);
  expect(unknownRoute.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
  const problem = (await unknownRoute.json()) as Record<string, unknown>;
  expect(problem).toEqual({
    type: '/problems/not-found',
    title: 'Not found',
    status: 404,
    code: 'NOT_FOUND',
    request_id: unknownRoute.headers.get('x-request-id'),
  });

  const unknownService = await fetch(`${platform.edgeUrl}/api/v1/status/billing`);
  expect(unknownService.status).toBe(404);

  const badJson = await fetch(`${platform.edgeUrl}/api/v1/status/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"broken": ',
  });
  expect(badJson.headers.get('content-type')).toMatch(/^application\/problem\+json(;|$)/);
  const text = await badJson.text();
  expect(text).not.toMatch(/at \w+ \(|\.js:\d+|\.ts:\d+|stack/);
});
