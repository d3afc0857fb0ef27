// The bus policy read the way nats-server reads it: a subject may be published when an allow
// pattern matches it and no deny pattern does. (The generated configuration is also run through
// a real nats-server in apps/cli/src/nats-config/nats-permissions.int-spec.ts.)
import { AUTH_SUBJECTS } from './schemas/auth-operations.js';
import { BUS_USERS, CLI_USER, busPermissionsOf, inboxPrefixOf, type BusPermissions } from './bus-permissions.js';
import { ALL_SERVICES } from './services.js';

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
  expect(matches('gardien.v1.>', AUTH_SUBJECTS.bootstrap)).toBe(true);
  expect(matches('gardien.v1.>', 'gardien.v1')).toBe(false);
  expect(matches('gardien.*.auth.bootstrap', AUTH_SUBJECTS.bootstrap)).toBe(true);
  expect(matches(AUTH_SUBJECTS.bootstrap, AUTH_SUBJECTS.login)).toBe(false);
});

test('the command line is a bus user of its own, not a service', () => {
  expect(BUS_USERS).toContain(CLI_USER);
  expect(ALL_SERVICES as readonly string[]).not.toContain(CLI_USER);
  expect(new Set(BUS_USERS.map(inboxPrefixOf)).size).toBe(BUS_USERS.length);
  expect(inboxPrefixOf(CLI_USER)).toBe('_INBOX_cli');
});

test('the command line may publish the bootstrap request and nothing else, and read only its own replies', () => {
  const cli = busPermissionsOf(CLI_USER);
  expect(cli).toEqual({ publish: [AUTH_SUBJECTS.bootstrap], publishDeny: [], subscribe: ['_INBOX_cli.>'], allowResponses: false });
  expect(mayPublish(cli, AUTH_SUBJECTS.bootstrap)).toBe(true);
  expect(mayPublish(cli, AUTH_SUBJECTS.login)).toBe(false);
  expect(mayPublish(cli, 'gardien.v1.tenant.tenants.create')).toBe(false);
});

test.each(ALL_SERVICES)('%s may not publish the bootstrap request, though its allow list covers it', (service) => {
  const permissions = busPermissionsOf(service);
  expect(permissions.publish.some((pattern) => matches(pattern, AUTH_SUBJECTS.bootstrap))).toBe(true);
  expect(mayPublish(permissions, AUTH_SUBJECTS.bootstrap)).toBe(false);
  expect(mayPublish(permissions, AUTH_SUBJECTS.login)).toBe(true);
});

test('services subscribe to their own subjects; the edge and the command line serve nothing', () => {
  expect(busPermissionsOf('auth').subscribe).toEqual(['gardien.v1.auth.>', '_INBOX_auth.>']);
  expect(busPermissionsOf('edge-api')).toMatchObject({ subscribe: ['_INBOX_edge-api.>'], allowResponses: false });
});
