// Finding 11: passwords, TOTP codes and tokens cross the bus, so the bus speaks TLS only, and
// mutual TLS: a real nats-server running the generated configuration lets in only clients that
// present a certificate of the deployment's CA (and their own nkey), and the processes' own
// connection options (libs/bootstrap, from GARDIEN_NATS_TLS_*_FILE) trust only that CA's server.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { BaseConfigSchema, ensureBusCertificates, loadConfig, natsConnectionOptions, type BusCertificates } from '@gardien/bootstrap';
import { BUS_USERS, CLI_USER, type BusUser } from '@gardien/contracts';
import { PrivateNats } from '@gardien/testing';
import { loadNatsSettings, requestBootstrap } from '../bootstrap/bootstrap-bus.js';
import { writeNatsConfig } from './nats-config.command.js';
import { renderNatsServerConfig } from './nats-server-config.js';
import { ensureBusUserNkey, type BusUserNkey } from './bus-user-nkeys.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-nats-tls-'));
let keys: Map<BusUser, BusUserNkey>;
let ours: BusCertificates;
let foreign: BusCertificates;
const servers: PrivateNats[] = [];
let nats: PrivateNats;
const open: NatsConnection[] = [];

/** A nats-server running the generated configuration, with `tls` as given. */
async function startServer(name: string, tls?: { certFile: string; keyFile: string; caFile: string }): Promise<PrivateNats> {
  const file = join(dir, `${name}.conf`);
  writeFileSync(file, renderNatsServerConfig({ users: [...keys.values()], jetstreamStoreDir: join(dir, `${name}-js`), ...(tls ? { tls } : {}) }));
  const server = await PrivateNats.start(file);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  keys = new Map(BUS_USERS.map((user) => [user, ensureBusUserNkey(join(dir, 'seeds'), user)]));
  ours = ensureBusCertificates({ directory: join(dir, 'tls'), serverNames: ['127.0.0.1', 'localhost'], clients: [...BUS_USERS] });
  foreign = ensureBusCertificates({ directory: join(dir, 'foreign'), serverNames: ['127.0.0.1'], clients: ['edge-api'], caName: 'Somebody else’s CA' });
  nats = await startServer('bus', { certFile: ours.server.certFile, keyFile: ours.server.keyFile, caFile: ours.caFile });
});

afterAll(async () => {
  await Promise.all(open.map((connection) => connection.close()));
  for (const server of servers) await server.dispose();
  rmSync(dir, { recursive: true, force: true });
});

interface ClientFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

/** Connects as a process does: its configuration read from the environment, its own nkey always. */
async function connectAs(user: BusUser, files: ClientFiles, server = nats): Promise<NatsConnection> {
  const env = {
    GARDIEN_NATS_URL: server.url,
    GARDIEN_NATS_NKEY_SEED_FILE: keys.get(user)!.seedFile,
    ...(files.ca ? { GARDIEN_NATS_TLS_CA_FILE: files.ca } : {}),
    ...(files.cert ? { GARDIEN_NATS_TLS_CERT_FILE: files.cert } : {}),
    ...(files.key ? { GARDIEN_NATS_TLS_KEY_FILE: files.key } : {}),
  };
  const connection = await connect({ ...natsConnectionOptions(loadConfig(BaseConfigSchema, env), user, `test-${user}`), reconnect: false });
  open.push(connection);
  return connection;
}

const own = (user: BusUser): ClientFiles => ({ ca: ours.caFile, cert: ours.clients[user]!.certFile, key: ours.clients[user]!.keyFile });

/**
 * A client that does not speak TLS at all, but holds valid credentials: it reads the server's
 * INFO, answers its nonce with a signature of the user's nkey, and asks for a PONG in clear text.
 */
async function plainTextSession(server: PrivateNats, user: BusUser): Promise<{ received: string; closedByServer: boolean }> {
  const seed = new TextEncoder().encode(readFileSync(keys.get(user)!.seedFile, 'utf8').trim());
  return new Promise((resolve) => {
    let received = '';
    let sent = false;
    const socket = tcpConnect({ port: server.port, host: '127.0.0.1' });
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer);
      socket.removeAllListeners('close');
      socket.destroy();
      resolve({ received, closedByServer });
    };
    const timer = setTimeout(() => finish(false), 5_000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const info = /^INFO (\{.*\})\r\n/.exec(received);
      if (info && !sent) {
        sent = true;
        const { nonce } = JSON.parse(info[1]!) as { nonce?: string };
        const credentials = nkeyAuthenticator(seed)(nonce);
        socket.write(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, protocol: 1, ...credentials })}\r\nPING\r\n`);
      }
      if (received.includes('PONG')) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
  });
}

/** Why a connection attempt failed (it must fail). */
async function refusalOf(attempt: Promise<NatsConnection>): Promise<Error> {
  return attempt.then(
    () => {
      throw new Error('the connection was accepted');
    },
    (error: Error) => error,
  );
}

test('a process with the CA and its own certificate connects and exchanges a request', async () => {
  const tenant = await connectAs('tenant', own('tenant'));
  tenant.subscribe('gardien.v1.tenant.ping', {
    queue: 'tenant',
    callback: (_error, message) => {
      message.respond('pong');
    },
  });
  await tenant.flush();
  const edge = await connectAs('edge-api', own('edge-api'));
  expect((await edge.request('gardien.v1.tenant.ping', '', { timeout: 2_000 })).string()).toBe('pong');
  expect(edge.info).toMatchObject({ tls_required: true, tls_verify: true });
});

test('a client that speaks plain text is refused, even with valid credentials', async () => {
  const session = await plainTextSession(nats, 'edge-api');
  expect(session.received).toMatch(/^INFO \{.*"tls_required":true/);
  expect(session.received).not.toContain('PONG');
  expect(session.closedByServer).toBe(true);
});

// The same user, nkey and CA as the process that got in above: only the client certificate differs.
test('a client without a certificate is refused, even with valid credentials', async () => {
  const refusal = await refusalOf(connectAs('edge-api', { ca: ours.caFile }));
  expect(refusal.message).toMatch(/bad certificate|certificate required|ECONNRESET/);
});

test('a client whose certificate comes from another CA is refused, even with valid credentials', async () => {
  const refusal = await refusalOf(connectAs('edge-api', { ca: ours.caFile, cert: foreign.clients['edge-api']!.certFile, key: foreign.clients['edge-api']!.keyFile }));
  expect(refusal.message).toMatch(/bad certificate|unknown ca|ECONNRESET/);
});

test('a process refuses a server whose certificate does not come from its CA (no impersonation of the bus)', async () => {
  const impostor = await startServer('impostor', { certFile: foreign.server.certFile, keyFile: foreign.server.keyFile, caFile: ours.caFile });
  expect((await refusalOf(connectAs('edge-api', own('edge-api'), impostor))).message).toMatch(/certificate/i);
});

test('a process configured for TLS refuses a server that offers none (no downgrade to plain text)', async () => {
  const plain = await startServer('plain');
  expect((await refusalOf(connectAs('edge-api', own('edge-api'), plain))).message).toMatch(/does not support 'tls'/);
});

describe('gardien nats-config --production --tls-generate', () => {
  test('makes a configuration and certificates with which the command line itself gets onto the bus, and only over TLS', async () => {
    const generated = join(dir, 'generated');
    const report = writeNatsConfig({
      out: join(generated, 'nats.conf'),
      seedsDir: join(generated, 'seeds'),
      storeDir: join(generated, 'js'),
      listen: 'nats.bus.internal:4222',
      production: true,
      tlsGenerate: join(generated, 'tls'),
    });
    expect(report.tls?.serverNames).toEqual(['localhost', '127.0.0.1', 'nats.bus.internal']);
    expect(report.tls?.clients?.map(({ user }) => user)).toEqual([...BUS_USERS]);
    expect(readFileSync(report.config, 'utf8')).not.toMatch(/PRIVATE KEY|SU[A-Z2-7]{56}/);
    const server = await PrivateNats.start(report.config);
    servers.push(server);

    const cli = report.tls!.clients!.find(({ user }) => user === CLI_USER)!;
    const settings = loadNatsSettings({
      GARDIEN_NATS_URL: server.url,
      GARDIEN_NATS_NKEY_SEED_FILE: join(generated, 'seeds', 'cli.nk'),
      [report.tls!.variables.ca]: report.tls!.caFile,
      [report.tls!.variables.cert]: cli.certFile,
      [report.tls!.variables.key]: cli.keyFile,
    });
    const connection = await connect({ ...natsConnectionOptions(settings, CLI_USER, 'test-cli'), reconnect: false });
    open.push(connection);
    await connection.flush(); // a PONG: the server accepted the handshake, the certificate and the nkey
    expect(connection.isClosed()).toBe(false);
    expect(connection.info).toMatchObject({ tls_required: true, tls_verify: true });

    // Without its certificate, `gardien bootstrap` says which variables to check, and sends nothing.
    const withoutCertificate = loadNatsSettings({ GARDIEN_NATS_URL: server.url, GARDIEN_NATS_NKEY_SEED_FILE: join(generated, 'seeds', 'cli.nk'), [report.tls!.variables.ca]: report.tls!.caFile });
    await expect(requestBootstrap({ admin: { email: 'ops@example.org', password: 'a-long-enough-password' } }, withoutCertificate, 2_000)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('GARDIEN_NATS_TLS_CERT_FILE'),
    });
  });
});
