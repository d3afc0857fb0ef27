// What auth asks the tenant service goes out within the request being handled, on a real NATS:
// the caller's request id, trace context and deadline (announced as the remaining budget), whether
// the call is made in auth's own name (a login's tenant) or on the caller's behalf (an API key's purpose).
import { randomUUID } from 'node:crypto';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import {
  BusClient,
  HEADER_AUTHORIZATION,
  HEADER_REQUEST_ID,
  HEADER_TIMEOUT,
  HEADER_TRACEPARENT,
  TENANT_OPERATIONS,
  callerOf,
  type IssuedToken,
  type Principal,
} from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import type { AudienceTokens } from '../tokens/audience-tokens.service.js';
import type { OwnTokens } from '../tokens/own-tokens.js';
import { TenantDirectory } from './tenant-directory.js';

interface Received {
  subject: string;
  requestId: string | undefined;
  traceparent: string | undefined;
  budgetMs: number;
  authorization: string | undefined;
}

let nats: PrivateNats;
let tenantService: NatsConnection;
let auth: NatsConnection;
let directory: TenantDirectory;
const received: Received[] = [];
const tenantId = randomUUID();

/** Auth's own token and a caller's delegated one, recognisable in what the tenant service receives. */
const ownTokens = { forAudience: async () => 'auth-own-token' } as unknown as OwnTokens;
const audienceTokens = { delegate: async (): Promise<IssuedToken> => ({ access_token: 'delegated-token', expires_in: 60 }) } as unknown as AudienceTokens;

beforeAll(async () => {
  nats = await PrivateNats.start();
  tenantService = await connect({ servers: nats.url });
  tenantService.subscribe('gardien.v1.tenant.>', {
    callback: (error, msg: Msg) => {
      if (error) return;
      received.push({
        subject: msg.subject,
        requestId: msg.headers?.get(HEADER_REQUEST_ID),
        traceparent: msg.headers?.get(HEADER_TRACEPARENT),
        budgetMs: Number(msg.headers?.get(HEADER_TIMEOUT)),
        authorization: msg.headers?.get(HEADER_AUTHORIZATION),
      });
      const { id } = JSON.parse(msg.string()) as { id: string };
      const response = msg.subject === TENANT_OPERATIONS.resolveTenant.subject ? { id: tenantId, slug: 'acme', status: 'active' } : { id: 'support', tenant_id: tenantId, name: 'Support', legal_basis: 'contract', description: null, retention_days: null, created_at: new Date().toISOString() };
      msg.respond(JSON.stringify({ id, response, isDisposed: true }));
    },
  });
  await tenantService.flush();
  auth = await connect({ servers: nats.url });
  directory = new TenantDirectory(new BusClient(auth, 5_000), ownTokens, audienceTokens);
});

afterAll(async () => {
  await auth?.close();
  await tenantService?.close();
  await nats?.dispose();
});

beforeEach(() => {
  received.length = 0;
});

const scope = () => ({
  requestId: randomUUID(),
  traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`,
  // The caller waits 800 ms more: the tenant service must hear that, not the operation's 5 s.
  deadline: Date.now() + 800,
});

test("a look-up in auth's own name (a login naming its tenant) carries the login's request id, trace and deadline", async () => {
  const login = scope();
  expect(await directory.resolveSlug('acme', login)).toEqual({ id: tenantId, slug: 'acme', status: 'active' });
  expect(received).toEqual([
    { subject: TENANT_OPERATIONS.resolveTenant.subject, requestId: login.requestId, traceparent: login.traceparent, budgetMs: expect.any(Number), authorization: 'Bearer auth-own-token' },
  ]);
  expect(received[0]!.budgetMs).toBeLessThanOrEqual(800);
});

test("a question asked on the caller's behalf (an API key's purpose) carries the caller's request, trace and deadline, with the delegated token", async () => {
  const principal: Principal = { kind: 'user', id: randomUUID(), tenantId, roles: ['developer'], mfa: false };
  const caller = callerOf(principal, { ...scope(), token: 'the token auth received' });
  expect(await directory.purposeExists(caller, 'support')).toBe(true);
  expect(received).toEqual([
    { subject: TENANT_OPERATIONS.getPurpose.subject, requestId: caller.requestId, traceparent: caller.traceparent, budgetMs: expect.any(Number), authorization: 'Bearer delegated-token' },
  ]);
  expect(received[0]!.budgetMs).toBeLessThanOrEqual(800);
});
