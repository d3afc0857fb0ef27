// Rule 3 of the design, enforced by a real nats-server running the generated configuration: each
// process is its own user; it serves only its own subjects, reads only its own replies, writes
// audit entries only under its own name; an anonymous client is refused. The command line is a
// user of its own, the only one that may ask for the platform's bootstrap; the provisioner is
// another, the only one that may create streams and durable consumers.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager, type ConsumerConfig } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import {
  ALL_SERVICES,
  AUTH_OPERATIONS,
  BUS_SERVICES,
  BUS_USERS,
  CLI_USER,
  DURABLE_CONSUMERS,
  allDurableConsumers,
  PROVISIONER_USER,
  TENANT_EVENTS,
  inboxPrefixOf,
  type BusUser,
} from '@gardien/contracts';
import { PrivateNats, waitFor } from '@gardien/testing';
import { renderNatsServerConfig } from './nats-server-config.js';
import { ensureBusUserNkey, type BusUserNkey } from './bus-user-nkeys.js';
import { provisionJetStream, type JetStreamReport } from '../provision/jetstream-step.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-nats-config-'));
let keys: Map<BusUser, BusUserNkey>;
let nats: PrivateNats;
let provisioned: JetStreamReport;
const open: NatsConnection[] = [];

/** What `gardien provision` is given on this bus: the provisioner's own seed. */
const provisionerSettings = () => ({ GARDIEN_NATS_URL: nats.url, GARDIEN_NATS_NKEY_SEED: readFileSync(keys.get(PROVISIONER_USER)!.seedFile, 'utf8').trim() });

beforeAll(async () => {
  keys = new Map(BUS_USERS.map((user) => [user, ensureBusUserNkey(join(dir, 'seeds'), user)]));
  const file = join(dir, 'nats-server.conf');
  writeFileSync(file, renderNatsServerConfig({ users: [...keys.values()], jetstreamStoreDir: join(dir, 'jetstream') }));
  nats = await PrivateNats.start(file);
  provisioned = await provisionJetStream(provisionerSettings(), false);
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await nats?.dispose();
});

async function connectAs(user: BusUser): Promise<NatsConnection> {
  const seed = readFileSync(keys.get(user)!.seedFile, 'utf8').trim();
  const connection = await connect({
    servers: nats.url,
    inboxPrefix: inboxPrefixOf(user),
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

/** Resolves with what refused a request (the transport's cause), or undefined if it was answered. */
async function requestRefusal(connection: NatsConnection, subject: string): Promise<unknown> {
  try {
    await connection.request(subject, '{}', { timeout: 2_000 });
    return undefined;
  } catch (error) {
    return (error as Error).cause ?? error;
  }
}

/** A responder that answers every request on `subject`, connected as `user`. */
async function answerOn(user: BusUser, subject: string): Promise<void> {
  const connection = await connectAs(user);
  connection.subscribe(subject, {
    callback: (_error, message) => {
      message.respond('answered');
    },
  });
  await connection.flush();
}

test('seed files are private to their owner', () => {
  expect(statSync(keys.get('auth')!.seedFile).mode & 0o777).toBe(0o600);
  expect(statSync(keys.get(CLI_USER)!.seedFile).mode & 0o777).toBe(0o600);
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

describe('JetStream administration', () => {
  test('the provisioner (gardien provision’s JetStream step) creates every declared stream and consumer; again, it changes nothing', async () => {
    expect(provisioned.streams.map(({ stream, outcome }) => [stream, outcome])).toEqual([
      ['AUDIT', 'created'],
      ['RIGHTS', 'created'],
      ['EVENTS', 'created'],
    ]);
    expect(provisioned.consumers.map(({ consumer, outcome }) => [consumer, outcome])).toEqual(allDurableConsumers().map(({ name }) => [name, 'created']));
    expect(allDurableConsumers().map(({ name }) => name)).toContain(DURABLE_CONSUMERS.auth.tenantDeleted.name);
    const again = await provisionJetStream(provisionerSettings(), true);
    expect([...again.streams, ...again.consumers].map(({ outcome }) => outcome)).toEqual([...again.streams, ...again.consumers].map(() => 'unchanged'));
    expect(again.consumers).toHaveLength(allDurableConsumers().length);
  });

  test('the provisioner may neither delete nor purge a stream, create an undeclared one, nor use the platform’s subjects', async () => {
    const connection = await connectAs(PROVISIONER_USER);
    const manager = await jetstreamManager(connection);
    await expect(manager.streams.delete('AUDIT')).rejects.toThrow(/Permissions Violation/);
    await expect(manager.streams.purge('EVENTS')).rejects.toThrow(/Permissions Violation/);
    await expect(manager.streams.add({ name: 'ELSEWHERE', subjects: ['gardien.v1.>'] })).rejects.toThrow(/Permissions Violation/);
    await expect(manager.consumers.delete('EVENTS', DURABLE_CONSUMERS.auth.tenantDeleted.name)).rejects.toThrow(/Permissions Violation/);
    expect(await requestRefusal(connection, AUTH_OPERATIONS.login.subject)).toMatchObject({ name: 'PermissionViolationError', operation: 'publish' });
    expect(await subscriptionRefusal(connection, 'gardien.>')).toBeInstanceOf(Error);
  });

  test.each(BUS_SERVICES)('%s may look up the streams it uses but neither create, update, delete nor purge one', async (service) => {
    const manager = await jetstreamManager(await connectAs(service));
    expect((await manager.streams.info('AUDIT')).config.subjects).toEqual(['gardien.audit.>']);
    await expect(manager.streams.add({ name: 'ELSEWHERE', subjects: ['elsewhere.>'] })).rejects.toThrow(/Permissions Violation/);
    // The declared streams too: refused by the bus's permissions, not by JetStream because they exist
    // (that refusal, "stream name already in use", would not hold on a first boot or after a re-creation).
    for (const name of ['AUDIT', 'RIGHTS', 'EVENTS']) {
      await expect(manager.streams.add({ name, subjects: [`${name.toLowerCase()}.elsewhere.>`, AUTH_OPERATIONS.login.subject] })).rejects.toThrow(/Permissions Violation/);
    }
    await expect(manager.streams.update('EVENTS', { subjects: ['gardien.events.>', AUTH_OPERATIONS.login.subject] })).rejects.toThrow(/Permissions Violation/);
    await expect(manager.streams.delete('EVENTS')).rejects.toThrow(/Permissions Violation/);
    await expect(manager.streams.purge('AUDIT')).rejects.toThrow(/Permissions Violation/);
  });

  // The attack of the review: a service that creates AUDIT (or EVENTS, RIGHTS) before anyone else
  // gives it the subject of logins and republishes them into its own inbox, where it reads every
  // email and password while the real login still succeeds.
  test('a service may not create a stream that captures logins and republishes them into its inbox', async () => {
    const gateway = await connectAs('llm-gateway');
    const stolen: string[] = [];
    gateway.subscribe(`${inboxPrefixOf('llm-gateway')}.stolen`, { callback: (_error, message) => void stolen.push(message.string()) });
    await gateway.flush();
    const manager = await jetstreamManager(gateway, { checkAPI: false });
    await expect(
      manager.streams.add({
        name: 'AUDIT',
        subjects: ['gardien.audit.>', AUTH_OPERATIONS.login.subject],
        republish: { src: AUTH_OPERATIONS.login.subject, dest: `${inboxPrefixOf('llm-gateway')}.stolen` },
      }),
    ).rejects.toThrow(/Permissions Violation/);
    await answerOn('auth', AUTH_OPERATIONS.login.subject);
    const edge = await connectAs('edge-api');
    await edge.request(AUTH_OPERATIONS.login.subject, JSON.stringify({ email: 'victim@example.org', password: 'victim-password' }), { timeout: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stolen).toEqual([]);
  });
});

test('a service may write audit entries only under its own name', async () => {
  const tenant = await connectAs('tenant');
  const manager = await jetstreamManager(tenant);
  tenant.publish('gardien.audit.auth.user.created', '{}');
  tenant.publish('gardien.audit.tenant.tenant.created', '{}');
  await tenant.flush();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const info = await manager.streams.info('AUDIT', { subjects_filter: '>' });
  expect(info.state.messages).toBe(1);
  expect(info.state.subjects).toEqual({ 'gardien.audit.tenant.tenant.created': 1 });
});

describe('the bootstrap subject belongs to the command line', () => {
  beforeAll(async () => {
    // Answered, so that a refusal below can only come from the server's permissions.
    await answerOn('auth', AUTH_OPERATIONS.bootstrap.subject);
    await answerOn('tenant', 'gardien.v1.tenant.tenants.create');
  });

  test('the command line may ask for the bootstrap and gets auth’s answer', async () => {
    const cli = await connectAs(CLI_USER);
    const reply = await cli.request(AUTH_OPERATIONS.bootstrap.subject, '{}', { timeout: 2_000 });
    expect(reply.string()).toBe('answered');
  });

  test.each(ALL_SERVICES)('%s may not publish the bootstrap subject (permissions violation)', async (service) => {
    const connection = await connectAs(service);
    expect(await requestRefusal(connection, AUTH_OPERATIONS.bootstrap.subject)).toMatchObject({
      name: 'PermissionViolationError',
      operation: 'publish',
      subject: AUTH_OPERATIONS.bootstrap.subject,
    });
  });

  test('the edge still reaches the other subjects of auth', async () => {
    await answerOn('auth', AUTH_OPERATIONS.login.subject);
    const edge = await connectAs('edge-api');
    expect((await edge.request(AUTH_OPERATIONS.login.subject, '{}', { timeout: 2_000 })).string()).toBe('answered');
  });

  test.each(['tenant', 'llm-gateway', 'auth'] as const)('%s may not send a login (only the edge may: it carries the client address)', async (service) => {
    const connection = await connectAs(service);
    expect(await requestRefusal(connection, AUTH_OPERATIONS.login.subject)).toMatchObject({ name: 'PermissionViolationError', operation: 'publish', subject: AUTH_OPERATIONS.login.subject });
  });

  test('the command line may publish nothing else', async () => {
    const cli = await connectAs(CLI_USER);
    expect(await requestRefusal(cli, 'gardien.v1.tenant.tenants.create')).toMatchObject({
      name: 'PermissionViolationError',
      operation: 'publish',
      subject: 'gardien.v1.tenant.tenants.create',
    });
    expect(await requestRefusal(cli, AUTH_OPERATIONS.login.subject)).toMatchObject({ name: 'PermissionViolationError', subject: AUTH_OPERATIONS.login.subject });
  });

  // No user has allow_responses, which let a service publish to the reply subject of any message it
  // received, its deny list notwithstanding: a service that sent itself a request whose reply subject
  // was the bootstrap subject could then "answer" it with a bootstrap request of its own. Answers now
  // go through explicit permissions on callers' inboxes (and auth also refuses a bootstrap not asked
  // for in the CLI's inbox, or not signed with cli.nk: apps/auth bootstrap.listener).
  test('a service cannot reach the bootstrap subject by answering a request it sent itself', async () => {
    const watcher = await connectAs('auth');
    const reached: string[] = [];
    watcher.subscribe(AUTH_OPERATIONS.bootstrap.subject, {
      callback: (_error, message) => {
        reached.push(message.string());
      },
    });
    await watcher.flush();
    const tenant = await connectAs('tenant');
    tenant.subscribe('gardien.v1.tenant.loop', {
      callback: (_error, message) => {
        message.respond('{"pattern":"gardien.v1.auth.bootstrap","data":{},"id":"forged"}');
      },
    });
    await tenant.flush();
    tenant.publish('gardien.v1.tenant.loop', '', { reply: AUTH_OPERATIONS.bootstrap.subject });
    await tenant.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reached).toEqual([]);
  });

  test('the command line reads only its own replies', async () => {
    const cli = await connectAs(CLI_USER);
    expect(await subscriptionRefusal(cli, `${inboxPrefixOf(CLI_USER)}.>`)).toBeUndefined();
    expect(await subscriptionRefusal(cli, AUTH_OPERATIONS.bootstrap.subject)).toBeInstanceOf(Error);
    expect(await subscriptionRefusal(cli, `${inboxPrefixOf('edge-api')}.>`)).toBeInstanceOf(Error);
  });
});

describe('durable consumers of stream EVENTS', () => {
  const consumer = DURABLE_CONSUMERS.auth.tenantDeleted;
  const config: Partial<ConsumerConfig> = { durable_name: consumer.name, filter_subject: consumer.filterSubject, ack_policy: AckPolicy.Explicit };

  beforeAll(async () => {
    const tenant = await connectAs('tenant');
    tenant.publish(TENANT_EVENTS.deleted, JSON.stringify({ tenantId: '0b0c6a1e-59a4-4f7e-9c0e-3c1f1e2d7a10' }));
    await tenant.flush();
  });

  test('auth reads its consumer (created by the provisioner), pulls from it and acknowledges (also after reporting progress)', async () => {
    const auth = await connectAs('auth');
    const manager = await jetstreamManager(auth);
    expect((await manager.consumers.info('EVENTS', consumer.name)).config).toMatchObject({ filter_subject: TENANT_EVENTS.deleted });
    const message = await (await jetstream(auth).consumers.get('EVENTS', consumer.name)).next({ expires: 2_000 });
    expect(message?.subject).toBe(TENANT_EVENTS.deleted);
    // Two replies to one message, both through the explicit $JS.ACK permission (no user has allow_responses).
    message!.working();
    message!.ack();
    await auth.flush();
    await waitFor(async () => (await manager.consumers.info('EVENTS', consumer.name)).ack_floor.stream_seq === message!.seq, 3_000, 'the ack to be applied');
  });

  test('auth may not create its consumer, even as declared: that is the provisioner’s', async () => {
    const manager = await jetstreamManager(await connectAs('auth'));
    await expect(manager.consumers.add('EVENTS', config)).rejects.toThrow(/Permissions Violation/);
  });

  test('auth may not widen its consumer nor create another one', async () => {
    const manager = await jetstreamManager(await connectAs('auth'));
    await expect(manager.consumers.add('EVENTS', { ...config, filter_subject: 'gardien.events.>' })).rejects.toThrow(/Permissions Violation/);
    await expect(manager.consumers.add('EVENTS', { ...config, durable_name: 'auth-everything' })).rejects.toThrow(/Permissions Violation/);
    await expect(manager.consumers.delete('EVENTS', consumer.name)).rejects.toThrow(/Permissions Violation/);
  });

  test.each(['edge-api', 'tenant'] as const)('%s can neither create nor read auth’s consumer', async (user) => {
    const connection = await connectAs(user);
    const manager = await jetstreamManager(connection, { checkAPI: false });
    await expect(manager.consumers.add('EVENTS', config)).rejects.toThrow(/Permissions Violation/);
    await expect(manager.consumers.info('EVENTS', consumer.name)).rejects.toThrow(/Permissions Violation/);
    expect(await requestRefusal(connection, `$JS.API.CONSUMER.MSG.NEXT.EVENTS.${consumer.name}`)).toMatchObject({ name: 'PermissionViolationError', operation: 'publish' });
  });
});
