// Rule 2 of the design: no personal data in logs. Values that look like personal data are sent
// through every part of the public HTTP surface (path, query, headers, bodies valid and not);
// then every line of every process's output is searched for every form of them. The canaries are
// the suite's (the same in every spec): its last spec looks for them in every audit entry too.
import { randomUUID } from 'node:crypto';
import { PlatformProcesses, PrivateNats, dropTestDatabases, dumpLeaks, findLeaks, suiteCanaries, testDatabasePrefix } from '@gardien/testing';

const prefix = testDatabasePrefix();
const canaries = suiteCanaries();
let platform: PlatformProcesses;
let nats: PrivateNats;

beforeAll(async () => {
  nats = await PrivateNats.start();
  // debug level: the canary must not appear even in the most talkative configuration.
  platform = await PlatformProcesses.start({ databasePrefix: prefix, natsUrl: nats.url, env: { GARDIEN_LOG_LEVEL: 'trace' } });
});

afterAll(async () => {
  await platform?.dispose();
  await nats?.dispose();
  await dropTestDatabases(prefix);
});

test('no byte sequence of a canary appears in any process output', async () => {
  const base = platform.edgeUrl;
  const { email, phone, iban, name } = canaries;
  const json = JSON.stringify({ email, phone, iban, name, nested: { contact: email } });
  const probes: Array<[string, RequestInit]> = [
    [`/health?email=${encodeURIComponent(email)}&iban=${encodeURIComponent(iban)}`, {}],
    [`/api/v1/status/${encodeURIComponent(email)}`, {}],
    [`/api/v1/status/auth?phone=${encodeURIComponent(phone)}`, {}],
    [`/${encodeURIComponent(name)}/${encodeURIComponent(iban)}`, {}],
    ['/api/v1/status/auth', { headers: { authorization: `Bearer ${email}`, 'x-request-id': email, traceparent: phone } }],
    ['/health', { headers: { 'x-request-id': phone.replace(/\D/g, '') } }],
    ['/health', { headers: { 'x-request-id': iban.replaceAll(' ', '') } }],
    ['/api/v1/status/auth', { headers: { cookie: `session=${iban}`, 'user-agent': name, 'x-forwarded-for': phone } }],
    ['/api/v1/status/auth', { method: 'POST', headers: { 'content-type': 'application/json' }, body: json }],
    ['/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: json }],
    ['/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"email": "${email}", ${iban}` }],
    ['/api/v1/users', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: `${name} ${phone}` }],
    ['/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(email)}` }],
  ];
  // Over the body limit: the edge answers 413 and may close the connection while the client is still sending.
  const oversized = await fetch(`${base}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `${json}${'x'.repeat(2 * 1024 * 1024)}`,
  }).then(
    (response) => response.status,
    (error: Error) => {
      const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
      return code === 'EPIPE' || code === 'ECONNRESET' ? 413 : Promise.reject(error);
    },
  );
  expect(oversized).toBe(413);
  const statuses: number[] = [];
  for (const [path, init] of probes) {
    const response = await fetch(`${base}${path}`, init);
    const body = await response.text();
    statuses.push(response.status);
    // Error documents do not echo input either.
    expect(findLeaks(body, canaries)).toEqual([]);
  }
  // A request id the client chose (a valid opaque token) is logged: proof that the capture sees request logs.
  const marker = randomUUID();
  await fetch(`${base}/api/v1/status/tenant`, { headers: { 'x-request-id': marker } });
  await platform.stop();

  const output = platform.allOutput();
  expect(output).toContain(marker);
  expect(statuses.filter((status) => status >= 400).length).toBeGreaterThan(5);
  expect(findLeaks(output, canaries)).toEqual([]);

  // Nor in any database of the platform: what a stolen dump or backup would show.
  const { dumped, leaks } = await dumpLeaks(prefix, canaries);
  expect(dumped).toHaveLength(6);
  expect(leaks).toEqual([]);
});
