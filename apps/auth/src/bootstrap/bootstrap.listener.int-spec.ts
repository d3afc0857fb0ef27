// The bootstrap subject answers only into the operator command line's inbox. A service that
// forges a bootstrap request (by "answering" a request it sent itself with reply subject
// gardien.v1.auth.bootstrap, which allow_responses lets it do) gets nothing back.
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AUTH_SUBJECTS, BootstrapResult, BusClient, CLI_USER, ErrorCode, inboxPrefixOf, type BootstrapRequest } from '@gardien/contracts';
import { createLogger } from '@gardien/observability';
import { PrivateNats } from '@gardien/testing';
import { BootstrapListener } from './bootstrap.listener.js';
import type { BootstrapService } from './bootstrap.service.js';

const RESULT: BootstrapResult = { superadmin: { id: randomUUID(), totp_uri: 'otpauth://totp/Gardien:x?secret=JBSWY3DPEHPK3PXP' } };
const REQUEST: BootstrapRequest = { admin: { email: 'root@example.test', password: 'a long enough password' } };

let nats: PrivateNats;
let auth: NatsConnection;
let listener: BootstrapListener;
const calls: BootstrapRequest[] = [];
const opened: NatsConnection[] = [];

async function connectWith(inboxPrefix?: string): Promise<NatsConnection> {
  const connection = await connect({ servers: nats.url, ...(inboxPrefix ? { inboxPrefix } : {}) });
  opened.push(connection);
  return connection;
}

beforeAll(async () => {
  nats = await PrivateNats.start();
  auth = await connectWith();
  const service = {
    bootstrap: async (request: BootstrapRequest) => {
      calls.push(request);
      return RESULT;
    },
  } as unknown as BootstrapService;
  listener = new BootstrapListener(service, auth, createLogger({ service: 'auth', level: 'silent' }));
  listener.onApplicationBootstrap();
  await auth.flush();
});

afterAll(async () => {
  listener?.onModuleDestroy();
  await Promise.all(opened.map((c) => c.close()));
  await nats?.dispose();
});

beforeEach(() => {
  calls.length = 0;
});

test('the command line, replying into its own inbox, gets the result', async () => {
  const cli = await connectWith(inboxPrefixOf(CLI_USER));
  const result = await new BusClient(cli).request(AUTH_SUBJECTS.bootstrap, REQUEST, { requestId: randomUUID() }, BootstrapResult);
  expect(result).toEqual(RESULT);
  expect(calls).toHaveLength(1);
});

test('a request whose answer would go anywhere else is refused and runs nothing', async () => {
  const other = await connectWith(inboxPrefixOf('tenant'));
  const refusal = await new BusClient(other).request(AUTH_SUBJECTS.bootstrap, REQUEST, { requestId: randomUUID() }, BootstrapResult).catch((e: { code?: string }) => e.code);
  expect(refusal).toBe(ErrorCode.Forbidden);
  expect(calls).toHaveLength(0);
});

test('a forged request, sent as the answer to a request with the bootstrap subject as reply, gets no answer back', async () => {
  const tenant = await connectWith(inboxPrefixOf('tenant'));
  const received: string[] = [];
  tenant.subscribe(`${inboxPrefixOf('tenant')}.>`, { callback: (_e, msg) => void received.push(msg.string()) });
  tenant.subscribe('gardien.v1.tenant.loop', {
    callback: (_e, msg) => {
      msg.respond(JSON.stringify({ pattern: AUTH_SUBJECTS.bootstrap, data: REQUEST, id: 'forged' }), { reply: `${inboxPrefixOf('tenant')}.stolen` });
    },
  });
  await tenant.flush();
  tenant.publish('gardien.v1.tenant.loop', '', { reply: AUTH_SUBJECTS.bootstrap });
  await tenant.flush();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(calls).toHaveLength(0);
  expect(received.join('\n')).not.toContain('otpauth');
  expect(received.map((r) => JSON.parse(r).err?.code)).toEqual([ErrorCode.Forbidden]);
});
