// Rule 3 of the design, enforced by a real nats-server running the generated configuration: each
// process is its own user; it serves only its own subjects, reads only its own replies, writes
// audit entries only under its own name; an anonymous client is refused.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { ALL_SERVICES, inboxPrefixOf, type ServiceName } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { renderNatsServerConfig } from './nats-server-config.js';
import { ensureServiceNkey, type ServiceNkey } from './service-nkeys.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-nats-config-'));
let keys: Map<ServiceName, ServiceNkey>;
let nats: PrivateNats;
const open: NatsConnection[] = [];

beforeAll(async () => {
  keys = new Map(ALL_SERVICES.map((service) => [service, ensureServiceNkey(join(dir, 'seeds'), service)]));
  const file = join(dir, 'nats-server.conf');
  writeFileSync(file, renderNatsServerConfig({ users: [...keys.values()], jetstreamStoreDir: join(dir, 'jetstream') }));
  nats = await PrivateNats.start(file);
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await nats?.dispose();
});

async function connectAs(service: ServiceName): Promise<NatsConnection> {
  const seed = readFileSync(keys.get(service)!.seedFile, 'utf8').trim();
  const connection = await connect({
    servers: nats.url,
    inboxPrefix: inboxPrefixOf(service),
    authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)),
  });
  open.push(connection);
  return connection;
}

/** Resolves with the error that closes the subscription, or undefined if it stays open. */
async function subscriptionRefusal(connection: NatsConnection, subject: string): Promise<Error | undefined> {
  const subscription = connection.subscribe(subject);
  const outcome = await Promise.race([
    subscription.closed.then((error) => error ?? undefined),
    connection.flush().then(() => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 300))),
  ]);
  subscription.unsubscribe();
  return outcome instanceof Error ? outcome : undefined;
}

test('seed files are private to their owner', () => {
  expect(statSync(keys.get('auth')!.seedFile).mode & 0o777).toBe(0o600);
});

test('an anonymous client is refused', async () => {
  await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(/Authorization/i);
});

test('a service serves its own subjects and not another service’s', async () => {
  const tenant = await connectAs('tenant');
  expect(await subscriptionRefusal(tenant, 'gardien.v1.tenant.>')).toBeUndefined();
  expect(await subscriptionRefusal(tenant, 'gardien.v1.auth.>')).toBeInstanceOf(Error);
});

test('a service cannot read the replies meant for another', async () => {
  const tenant = await connectAs('tenant');
  expect(await subscriptionRefusal(tenant, `${inboxPrefixOf('edge-api')}.>`)).toBeInstanceOf(Error);
  expect(await subscriptionRefusal(tenant, '_INBOX.>')).toBeInstanceOf(Error);
});

test('request/reply works between the edge and a service through their own inboxes', async () => {
  const tenant = await connectAs('tenant');
  const edge = await connectAs('edge-api');
  tenant.subscribe('gardien.v1.tenant.ping', { queue: 'tenant', callback: (_error, message) => {
      message.respond('pong');
    },
  });
  await tenant.flush();
  const reply = await edge.request('gardien.v1.tenant.ping', '', { timeout: 2_000 });
  expect(reply.string()).toBe('pong');
});

test('a service may write audit entries only under its own name', async () => {
  const tenant = await connectAs('tenant');
  const manager = await jetstreamManager(tenant);
  await manager.streams.add({ name: 'AUDIT', subjects: ['gardien.audit.>'] });
  tenant.publish('gardien.audit.auth.user.created', '{}');
  tenant.publish('gardien.audit.tenant.tenant.created', '{}');
  await tenant.flush();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const info = await manager.streams.info('AUDIT', { subjects_filter: '>' });
  expect(info.state.messages).toBe(1);
  expect(info.state.subjects).toEqual({ 'gardien.audit.tenant.tenant.created': 1 });
});
