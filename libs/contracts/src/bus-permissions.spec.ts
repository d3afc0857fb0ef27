// The bus policy read the way nats-server reads it: a subject may be published when an allow
// pattern matches it and no deny pattern does. (The generated configuration is also run through
// a real nats-server in apps/cli/src/nats-config/nats-permissions.int-spec.ts.)
import { AUTH_OPERATIONS } from './operations/auth.operations.js';
import {
  BUS_USERS,
  CLI_USER,
  DURABLE_CONSUMERS,
  PROVISIONER_USER,
  busPermissionsOf,
  durableConsumersOf,
  inboxPrefixOf,
  streamsUsedBy,
  type BusPermissions,
} from './bus-permissions.js';
import { TENANT_EVENTS } from './schemas/tenant-events.js';
import { ALL_SERVICES, BUS_SERVICES } from './services.js';

/** NATS subject matching: `*` is one token, `>` the rest (one token or more). */
function matches(pattern: string, subject: string): boolean {
  const wanted = pattern.split('.');
  const tokens = subject.split('.');
  for (const [index, token] of wanted.entries()) {
    if (token === '>') return tokens.length > index;
    if (index >= tokens.length || (token !== '*' && token !== tokens[index])) return false;
  }
  return wanted.length === tokens.length;
}

const mayPublish = (permissions: BusPermissions, subject: string) =>
  permissions.publish.some((pattern) => matches(pattern, subject)) && !permissions.publishDeny.some((pattern) => matches(pattern, subject));

test('the subject matcher of this test reads patterns as NATS does', () => {
  expect(matches('gardien.v1.>', AUTH_OPERATIONS.bootstrap.subject)).toBe(true);
  expect(matches('gardien.v1.>', 'gardien.v1')).toBe(false);
  expect(matches('gardien.*.auth.bootstrap', AUTH_OPERATIONS.bootstrap.subject)).toBe(true);
  expect(matches(AUTH_OPERATIONS.bootstrap.subject, AUTH_OPERATIONS.login.subject)).toBe(false);
});

test('the command line and the provisioner are bus users of their own, not services', () => {
  expect(BUS_USERS).toContain(CLI_USER);
  expect(BUS_USERS).toContain(PROVISIONER_USER);
  expect(ALL_SERVICES as readonly string[]).not.toContain(CLI_USER);
  expect(ALL_SERVICES as readonly string[]).not.toContain(PROVISIONER_USER);
  expect(new Set(BUS_USERS.map(inboxPrefixOf)).size).toBe(BUS_USERS.length);
  expect(inboxPrefixOf(CLI_USER)).toBe('_INBOX_cli');
});

test('the command line may publish the bootstrap request and nothing else, and read only its own replies', () => {
  const cli = busPermissionsOf(CLI_USER);
  expect(cli).toEqual({ publish: [AUTH_OPERATIONS.bootstrap.subject], publishDeny: [], subscribe: ['_INBOX_cli.>']});
  expect(mayPublish(cli, AUTH_OPERATIONS.bootstrap.subject)).toBe(true);
  expect(mayPublish(cli, AUTH_OPERATIONS.login.subject)).toBe(false);
  expect(mayPublish(cli, 'gardien.v1.tenant.tenants.create')).toBe(false);
});

test.each(ALL_SERVICES)('%s may not publish the bootstrap request, though its allow list covers it', (service) => {
  const permissions = busPermissionsOf(service);
  expect(permissions.publish.some((pattern) => matches(pattern, AUTH_OPERATIONS.bootstrap.subject))).toBe(true);
  expect(mayPublish(permissions, AUTH_OPERATIONS.bootstrap.subject)).toBe(false);
  expect(mayPublish(permissions, AUTH_OPERATIONS.me.subject)).toBe(true);
});

test('services subscribe to their own subjects; the edge and the command line serve nothing', () => {
  expect(busPermissionsOf('auth').subscribe).toEqual(['gardien.v1.auth.>', '_INBOX_auth.>']);
  expect(busPermissionsOf('edge-api')).toMatchObject({ subscribe: ['_INBOX_edge-api.>']});
});

describe('durable consumers', () => {
  const consumer = DURABLE_CONSUMERS.auth.tenantDeleted;
  const api = (call: string, name: string = consumer.name) => `$JS.API.CONSUMER.${call}.EVENTS.${name}`;

  test('auth reads the tenant deletions of stream EVENTS through a consumer named after it', () => {
    expect(consumer).toEqual({ name: 'auth-tenant-deleted', stream: 'EVENTS', filterSubject: 'gardien.events.tenant.tenant.deleted' });
    expect(TENANT_EVENTS.deleted).toBe(consumer.filterSubject);
  });

  test.each(ALL_SERVICES)('every consumer of %s is named after it and fits in one subject token', (service) => {
    for (const { name } of durableConsumersOf(service)) expect(name).toMatch(new RegExp(`^${service}-[a-z0-9-]+$`));
  });

  test('auth may look up its consumer, pull from it and acknowledge its messages', () => {
    const auth = busPermissionsOf('auth');
    expect(mayPublish(auth, api('INFO'))).toBe(true);
    expect(mayPublish(auth, api('MSG.NEXT'))).toBe(true);
    expect(mayPublish(auth, '$JS.ACK.EVENTS.auth-tenant-deleted.1.7.7.1795657080419484072.0')).toBe(true);
  });

  test('auth may neither create nor change its consumer, touch another consumer, or delete one', () => {
    const auth = busPermissionsOf('auth');
    expect(mayPublish(auth, `${api('CREATE')}.gardien.events.tenant.tenant.deleted`)).toBe(false);
    expect(mayPublish(auth, api('CREATE'))).toBe(false);
    expect(mayPublish(auth, `${api('CREATE')}.gardien.events.>`)).toBe(false);
    expect(mayPublish(auth, `$JS.API.CONSUMER.DURABLE.CREATE.EVENTS.${consumer.name}`)).toBe(false);
    expect(mayPublish(auth, `${api('CREATE', 'auth-other')}.gardien.events.tenant.tenant.deleted`)).toBe(false);
    expect(mayPublish(auth, api('INFO', 'audit-entries'))).toBe(false);
    expect(mayPublish(auth, api('MSG.NEXT', 'audit-entries'))).toBe(false);
    expect(mayPublish(auth, '$JS.ACK.EVENTS.audit-entries.1.7.7.1795657080419484072.0')).toBe(false);
    expect(mayPublish(auth, api('DELETE'))).toBe(false);
    expect(mayPublish(auth, '$JS.API.CONSUMER.LIST.EVENTS')).toBe(false);
    expect(mayPublish(auth, `$JS.API.CONSUMER.CREATE.AUDIT.${consumer.name}.gardien.audit.>`)).toBe(false);
  });

  test.each(ALL_SERVICES.filter((service) => service !== 'auth'))('%s has no right on auth’s consumer', (service) => {
    const permissions = busPermissionsOf(service);
    expect(mayPublish(permissions, `${api('CREATE')}.gardien.events.tenant.tenant.deleted`)).toBe(false);
    expect(mayPublish(permissions, api('INFO'))).toBe(false);
    expect(mayPublish(permissions, api('MSG.NEXT'))).toBe(false);
    expect(mayPublish(permissions, '$JS.ACK.EVENTS.auth-tenant-deleted.1.7.7.1795657080419484072.0')).toBe(false);
  });

  test('only the tenant service may publish the events auth acts on', () => {
    for (const user of BUS_USERS) expect([user, mayPublish(busPermissionsOf(user), TENANT_EVENTS.deleted)]).toEqual([user, user === 'tenant']);
  });

  test('the provisioner creates the declared consumers, with their own filters, and nothing else', () => {
    const provisioner = busPermissionsOf(PROVISIONER_USER);
    expect(mayPublish(provisioner, `${api('CREATE')}.gardien.events.tenant.tenant.deleted`)).toBe(true);
    expect(mayPublish(provisioner, api('INFO'))).toBe(true);
    expect(mayPublish(provisioner, `${api('CREATE')}.gardien.events.>`)).toBe(false);
    expect(mayPublish(provisioner, `${api('CREATE', 'auth-other')}.gardien.events.tenant.tenant.deleted`)).toBe(false);
    expect(mayPublish(provisioner, api('DELETE'))).toBe(false);
    expect(mayPublish(provisioner, api('MSG.NEXT'))).toBe(false);
  });

  test('the command line and the edge may call no JetStream API at all', () => {
    for (const user of [CLI_USER, 'edge-api'] as const) {
      expect(busPermissionsOf(user).publish.filter((pattern) => pattern.startsWith('$JS'))).toEqual([]);
    }
  });
});

test.each(BUS_SERVICES)('%s may not send logins, refreshes or API-key exchanges: only the edge may', (service) => {
  const permissions = busPermissionsOf(service);
  for (const subject of [AUTH_OPERATIONS.login.subject, AUTH_OPERATIONS.refresh.subject, AUTH_OPERATIONS.exchangeApiKey.subject]) expect(mayPublish(permissions, subject)).toBe(false);
  expect(mayPublish(permissions, AUTH_OPERATIONS.me.subject)).toBe(true);
});

test('the edge sends logins, refreshes and API-key exchanges', () => {
  const edge = busPermissionsOf('edge-api');
  for (const subject of [AUTH_OPERATIONS.login.subject, AUTH_OPERATIONS.refresh.subject, AUTH_OPERATIONS.exchangeApiKey.subject]) expect(mayPublish(edge, subject)).toBe(true);
});

describe('streams', () => {
  const admin = (name: string) => ['CREATE', 'UPDATE', 'DELETE', 'PURGE'].map((call) => `$JS.API.STREAM.${call}.${name}`);

  test.each(BUS_SERVICES)('%s may look up the streams it uses and may not create, change, delete or purge any', (service) => {
    const permissions = busPermissionsOf(service);
    for (const stream of ['AUDIT', 'RIGHTS', 'EVENTS', 'ELSEWHERE']) {
      expect([service, stream, admin(stream).filter((subject) => mayPublish(permissions, subject))]).toEqual([service, stream, []]);
      expect([service, stream, mayPublish(permissions, `$JS.API.STREAM.INFO.${stream}`)]).toEqual([service, stream, (streamsUsedBy(service) as string[]).includes(stream)]);
    }
  });

  test('every bus service uses AUDIT and EVENTS (its outbox); only the rights pipeline uses RIGHTS', () => {
    for (const service of BUS_SERVICES) expect([service, streamsUsedBy(service)]).toEqual([service, service === 'rights-pipeline' ? ['AUDIT', 'RIGHTS', 'EVENTS'] : ['AUDIT', 'EVENTS']]);
  });

  test('the provisioner may look up, create and update the declared streams, and delete or purge none', () => {
    const provisioner = busPermissionsOf(PROVISIONER_USER);
    for (const stream of ['AUDIT', 'RIGHTS', 'EVENTS']) {
      for (const call of ['INFO', 'CREATE', 'UPDATE']) expect(mayPublish(provisioner, `$JS.API.STREAM.${call}.${stream}`)).toBe(true);
      for (const call of ['DELETE', 'PURGE']) expect(mayPublish(provisioner, `$JS.API.STREAM.${call}.${stream}`)).toBe(false);
    }
    expect(mayPublish(provisioner, '$JS.API.STREAM.CREATE.ELSEWHERE')).toBe(false);
  });

  test('the provisioner publishes nothing but JetStream API calls, and reads only its own replies', () => {
    const provisioner = busPermissionsOf(PROVISIONER_USER);
    expect(provisioner.publish.filter((pattern) => !pattern.startsWith('$JS.API.'))).toEqual([]);
    expect(provisioner).toMatchObject({ subscribe: ['_INBOX_provisioner.>']});
    expect(mayPublish(provisioner, AUTH_OPERATIONS.login.subject)).toBe(false);
  });
});
