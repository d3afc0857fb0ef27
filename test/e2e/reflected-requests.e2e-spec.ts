// A compromised service may not send what its permissions forbid by answering a message it sent
// itself: with nats-server's `allow_responses`, a service could answer onto any reply subject it
// chose, deny lists notwithstanding (found by a security review, proofs below). Each attack runs as
// llm-gateway on the configuration `gardien nats-config --production` writes, and must fail: no
// other service's token, no cross-tenant export or erasure, no forged domain event, no stream
// capturing logins, no purge of the audit stream, no login with an address of its choosing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { BaseConfigSchema, loadConfig, natsConnectionOptions } from '@gardien/bootstrap';
import {
  ALL_SERVICES,
  AUTH_OPERATIONS,
  BootstrapResult,
  PROVISIONER_USER,
  TENANT_EVENTS,
  encodeRequest,
  inboxPrefixOf,
  serviceOperations,
  serviceTokenOperation,
  toHeaders,
  type ServiceName,
} from '@gardien/contracts';
import { PlatformProcesses, PrivateNats, REPO_ROOT, dropTestDatabases, testDatabasePrefix } from '@gardien/testing';
import { EdgeClient, runCli } from './identity-support.js';

const prefix = testDatabasePrefix();
const dir = mkdtempSync(join(tmpdir(), 'gardien-reflected-'));
const PASSWORD = 'a passphrase long enough to pass';
let nats: PrivateNats;
let platform: PlatformProcesses;
let tenantId: string;
let adminId: string;
const tls = (user: string) => ({
  GARDIEN_NATS_TLS_CA_FILE: join(dir, 'tls', 'ca.pem'),
  GARDIEN_NATS_TLS_CERT_FILE: join(dir, 'tls', `${user}.pem`),
  GARDIEN_NATS_TLS_KEY_FILE: join(dir, 'tls', `${user}-key.pem`),
});
const seed = (user: string) => ({ GARDIEN_NATS_NKEY_SEED_FILE: join(dir, 'seeds', `${user}.nk`) });

beforeAll(async () => {
  const generated = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'apps/cli/dist/main.js'),
      'nats-config',
      ...['--out', join(dir, 'nats.conf'), '--seeds-dir', join(dir, 'seeds'), '--store-dir', join(dir, 'js')],
      ...['--production', '--listen', 'localhost:4222', '--tls-generate', join(dir, 'tls')],
    ],
    { encoding: 'utf8' },
  );
  expect(generated.status).toBe(0);
  nats = await PrivateNats.start(join(dir, 'nats.conf'));
  platform = await PlatformProcesses.start({
    databasePrefix: prefix,
    natsUrl: nats.url,
    serviceEnv: Object.fromEntries(ALL_SERVICES.map((s) => [s, { ...seed(s), ...tls(s) }])),
    provisionEnv: { ...seed(PROVISIONER_USER), ...tls(PROVISIONER_USER) },
  });
  const run = await runCli(['bootstrap', '--admin-email', 'root@platform.example', '--tenant', 'tenant-a', '--tenant-name', 'A', '--tenant-admin-email', 'victim@a.example'], {
    GARDIEN_NATS_URL: nats.url,
    GARDIEN_BOOTSTRAP_PASSWORD: PASSWORD,
    ...seed('cli'),
    ...tls('cli'),
  });
  expect(run.code).toBe(0);
  const result = BootstrapResult.parse(JSON.parse(run.stdout));
  tenantId = result.tenant!.id;
  adminId = result.tenant!.admin.id;
}, 180_000);

afterAll(async () => {
  await platform?.dispose();
  await nats?.dispose();
  rmSync(dir, { recursive: true, force: true });
  await dropTestDatabases(prefix);
});

async function connectAs(user: ServiceName): Promise<NatsConnection> {
  const settings = loadConfig(BaseConfigSchema, { GARDIEN_NATS_URL: nats.url, ...seed(user), ...tls(user) });
  return connect({ ...natsConnectionOptions(settings, user, `attacker-as-${user}`), reconnect: false });
}

const OWN_SUBJECT = 'gardien.v1.llm-gateway.reflect';

/**
 * The attack: the service sends a message to a subject it serves itself, with the reply subject set
 * to `target` (a subject it is denied), then "answers" it with `payload`, whose own reply goes to
 * its inbox. Resolves with what came back there, or 'nothing' after a while.
 */
async function reflect(attacker: NatsConnection, target: string, payload: string, token?: string): Promise<string> {
  const inbox = createInbox(inboxPrefixOf('llm-gateway'));
  const answers = attacker.subscribe(inbox, { max: 1 });
  const loop = attacker.subscribe(OWN_SUBJECT, {
    max: 1,
    callback: (_error, message) => {
      message.respond(payload, { reply: inbox, headers: toHeaders({ requestId: randomUUID(), ...(token ? { token } : {}) }, {}, 5_000) });
    },
  });
  await attacker.flush();
  attacker.publish(OWN_SUBJECT, '', { reply: target });
  const timer = setTimeout(() => answers.unsubscribe(), 3_000);
  try {
    for await (const message of answers) return message.string();
    return 'nothing';
  } finally {
    clearTimeout(timer);
    loop.unsubscribe();
  }
}

test('no service token of another service, no subject export or erasure, no login with a forged source', async () => {
  const gateway = await connectAs('llm-gateway');
  try {
    const stolen = await reflect(gateway, serviceTokenOperation('rights-pipeline').subject, encodeRequest('x', { audience: 'auth' }));
    expect(stolen).toBe('nothing');
    // Even with a rights-pipeline token in hand (as if obtained), the operations reserved to its NATS user are not reachable.
    for (const operation of [serviceOperations('auth').subjectExport, serviceOperations('auth').subjectErase]) {
      expect([operation.subject, await reflect(gateway, operation.subject, encodeRequest(operation.subject, { tenant_id: tenantId, subject_id: adminId }))]).toEqual([operation.subject, 'nothing']);
    }
    const login = await reflect(gateway, AUTH_OPERATIONS.login.subject, encodeRequest('x', { email: 'root@platform.example', password: 'wrong wrong wrong', source: '198.51.100.7' }));
    expect(login).toBe('nothing');
  } finally {
    await gateway.close();
  }
  // The victim's account is still there: it logs in (MFA asked for, so the password was right).
  const answer = await new EdgeClient(platform.edgeUrl).call('POST', '/api/v1/auth/login', { body: { email: 'victim@a.example', password: PASSWORD, tenant: 'tenant-a' } });
  expect(answer.body?.code).toBe('MFA_REQUIRED');
}, 60_000);

test('no domain event forged in the tenant service’s name: a live tenant is not erased', async () => {
  const gateway = await connectAs('llm-gateway');
  try {
    const event = gateway.subscribe('gardien.v1.llm-gateway.forge', { max: 1, callback: (_error, message) => {
        message.respond(JSON.stringify({ tenantId }));
      },
    });
    await gateway.flush();
    gateway.publish('gardien.v1.llm-gateway.forge', '', { reply: TENANT_EVENTS.deleted });
    await gateway.flush();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    event.unsubscribe();
  } finally {
    await gateway.close();
  }
  expect(platform.allOutput()).not.toMatch(/tenant erased/);
  const answer = await new EdgeClient(platform.edgeUrl).call('POST', '/api/v1/auth/login', { body: { email: 'victim@a.example', password: PASSWORD, tenant: 'tenant-a' } });
  expect(answer.body?.code).toBe('MFA_REQUIRED');
}, 30_000);

test('no stream that captures logins and republishes them into the attacker’s inbox, and no purge of the audit stream', async () => {
  const gateway = await connectAs('llm-gateway');
  const stolen: string[] = [];
  try {
    const config = { name: 'STEAL', subjects: [AUTH_OPERATIONS.login.subject], storage: 'memory', no_ack: true, republish: { src: '>', dest: `${inboxPrefixOf('llm-gateway')}.steal.>` } };
    const created = await reflect(gateway, '$JS.API.STREAM.CREATE.STEAL', JSON.stringify(config));
    expect(created).toBe('nothing');
    const capture = gateway.subscribe(`${inboxPrefixOf('llm-gateway')}.steal.>`, { callback: (_error, message) => {
        stolen.push(message.string());
      },
    });
    await gateway.flush();
    await new EdgeClient(platform.edgeUrl).call('POST', '/api/v1/auth/login', { body: { email: 'someone@victim.example', password: 'victim-secret-password-123', tenant: 'tenant-a' } });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    capture.unsubscribe();
    expect(await reflect(gateway, '$JS.API.STREAM.PURGE.AUDIT', '')).toBe('nothing');
    expect(await reflect(gateway, '$JS.API.STREAM.DELETE.EVENTS', '')).toBe('nothing');
  } finally {
    await gateway.close();
  }
  expect(stolen.join('')).not.toContain('victim-secret-password-123');
}, 60_000);

test('with the reflection closed, every service still answers: the platform is healthy', async () => {
  const response = await fetch(`${platform.edgeUrl}/health`);
  expect([response.status, ((await response.json()) as { status: string }).status]).toEqual([200, 'ok']);
});
