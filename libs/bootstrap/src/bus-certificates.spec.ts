// The bus's certificate authority, made with the machine's openssl.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusCertificateError, ensureBusCertificates, isServerName } from './bus-certificates.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-bus-certificates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const certificate = (file: string) => new X509Certificate(readFileSync(file));

describe('a new directory', () => {
  const directory = join(dir, 'first');
  let issued: ReturnType<typeof ensureBusCertificates>;

  beforeAll(() => {
    issued = ensureBusCertificates({ directory, serverNames: ['nats', '127.0.0.1'], clients: ['auth', 'cli'] });
  });

  test('gets a CA that may sign certificates and nothing beneath it', () => {
    const ca = certificate(issued.caFile);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain('CN=Gardien bus CA');
    expect(ca.checkIssued(ca)).toBe(true);
  });

  test('gets a server certificate for the names asked, issued by that CA, for server authentication only', () => {
    const server = certificate(issued.server.certFile);
    const ca = certificate(issued.caFile);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkHost('nats')).toBe('nats');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('other')).toBeUndefined();
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(server.checkPrivateKey(createPrivateKey(readFileSync(issued.server.keyFile)))).toBe(true);
  });

  test('gets one client certificate per bus user, named after it, for client authentication only', () => {
    const ca = certificate(issued.caFile);
    for (const user of ['auth', 'cli']) {
      const client = certificate(issued.clients[user]!.certFile);
      expect(client.subject).toContain(`CN=${user}`);
      expect(client.verify(ca.publicKey)).toBe(true);
      expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth
    }
  });

  test('private keys are readable by their owner only, and no scratch file is left behind', () => {
    for (const key of [issued.caKeyFile, issued.server.keyFile, issued.clients.auth!.keyFile, issued.clients.cli!.keyFile]) {
      expect(statSync(key).mode & 0o777).toBe(0o600);
    }
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(readdirSync(directory).sort()).toEqual(['auth-key.pem', 'auth.pem', 'ca-key.pem', 'ca.pem', 'cli-key.pem', 'cli.pem', 'nats-server-key.pem', 'nats-server.pem']);
  });

  test('a second run reuses everything, and issues only what is new', () => {
    const before = Object.fromEntries(readdirSync(directory).map((file) => [file, readFileSync(join(directory, file), 'utf8')]));
    const again = ensureBusCertificates({ directory, serverNames: ['nats', '127.0.0.1'], clients: ['auth', 'cli', 'tenant'] });
    for (const [file, content] of Object.entries(before)) expect(readFileSync(join(directory, file), 'utf8')).toBe(content);
    expect(certificate(again.clients.tenant!.certFile).verify(certificate(again.caFile).publicKey)).toBe(true);
  });

  test('the server certificate is issued again, with its key kept, when the names change', () => {
    const key = readFileSync(issued.server.keyFile, 'utf8');
    const again = ensureBusCertificates({ directory, serverNames: ['bus.internal'], clients: [] });
    expect(certificate(again.server.certFile).checkHost('bus.internal')).toBe('bus.internal');
    expect(readFileSync(again.server.keyFile, 'utf8')).toBe(key);
  });

  test('without the CA key (kept offline), what is valid is reused and nothing new can be issued', () => {
    rmSync(issued.caKeyFile);
    expect(() => ensureBusCertificates({ directory, serverNames: ['bus.internal'], clients: ['auth'] })).not.toThrow();
    expect(() => ensureBusCertificates({ directory, serverNames: ['bus.internal'], clients: ['audit'] })).toThrow(/ca-key\.pem/);
  });
});

test('certificates of another CA are not issued by this one', () => {
  const one = ensureBusCertificates({ directory: join(dir, 'one'), serverNames: ['localhost'], clients: ['auth'] });
  const other = ensureBusCertificates({ directory: join(dir, 'other'), serverNames: ['localhost'], clients: ['auth'], caName: 'Another CA' });
  expect(certificate(other.clients.auth!.certFile).verify(certificate(one.caFile).publicKey)).toBe(false);
});

test('names that could not be a host, or a bus user, are refused before anything is written', () => {
  const directory = join(dir, 'refused');
  for (const serverNames of [[], ['nats\nCN = evil'], ['a b'], ['-rf']]) {
    expect(() => ensureBusCertificates({ directory, serverNames, clients: [] })).toThrow(BusCertificateError);
  }
  expect(() => ensureBusCertificates({ directory, serverNames: ['nats'], clients: ['Auth/../x'] })).toThrow(BusCertificateError);
  expect(() => readdirSync(directory)).toThrow();
  expect(['nats', 'nats.bus.internal', '10.0.0.2', '::1'].every(isServerName)).toBe(true);
});

test('without openssl the error says which package to install', () => {
  expect(() => ensureBusCertificates({ directory: join(dir, 'no-openssl'), serverNames: ['nats'], clients: [], openssl: '/nonexistent/openssl' })).toThrow(
    'openssl is needed to make the bus certificates: install the package openssl',
  );
});
