// The bus's TLS as a process reads it from its configuration.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBusCertificates, type BusCertificates } from './bus-certificates.js';
import { BaseConfigSchema, ConfigError, loadConfig, printableConfig, requireProductionSettings } from './config.js';
import { natsConnectionOptions } from './bus-connection.js';
import { checkNatsTls } from './nats-tls.js';

const dir = mkdtempSync(join(tmpdir(), 'gardien-nats-tls-config-'));
let certificates: BusCertificates;
let files: NodeJS.ProcessEnv;

beforeAll(() => {
  certificates = ensureBusCertificates({ directory: dir, serverNames: ['nats'], clients: ['tenant', 'audit'] });
  files = {
    GARDIEN_NATS_TLS_CA_FILE: certificates.caFile,
    GARDIEN_NATS_TLS_CERT_FILE: certificates.clients.tenant!.certFile,
    GARDIEN_NATS_TLS_KEY_FILE: certificates.clients.tenant!.keyFile,
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (env: NodeJS.ProcessEnv, now?: number) =>
  loadConfig(BaseConfigSchema, env, (config, context) => {
    checkNatsTls(config, context, now);
    requireProductionSettings(config, context);
  });

function variablesRefused(env: NodeJS.ProcessEnv, now?: number): string[] {
  try {
    load(env, now);
  } catch (error) {
    if (error instanceof ConfigError) return error.variables;
    throw error;
  }
  throw new Error('expected a configuration error');
}

const pem = (file: string) => readFileSync(file, 'utf8').trim();

test('the CA, the certificate and its key are read from their files and given to the NATS client', () => {
  const options = natsConnectionOptions(load(files), 'tenant', 'gardien-tenant');
  expect(options.tls).toEqual({
    ca: pem(certificates.caFile),
    cert: pem(certificates.clients.tenant!.certFile),
    key: pem(certificates.clients.tenant!.keyFile),
  });
});

test('without TLS settings the client is given no TLS options', () => {
  expect(natsConnectionOptions(load({}), 'tenant', 'gardien-tenant')).not.toHaveProperty('tls');
});

test('production requires the bus’s CA and the process’s own certificate and key, named by the variables to set', () => {
  const production = { GARDIEN_ENV: 'production', GARDIEN_NATS_NKEY_SEED: `SU${'A'.repeat(56)}`, GARDIEN_DB_ROLE_SECRET: 'a-long-enough-role-secret' };
  expect(variablesRefused(production)).toEqual(['GARDIEN_NATS_TLS_CA_FILE', 'GARDIEN_NATS_TLS_CERT_FILE', 'GARDIEN_NATS_TLS_KEY_FILE']);
  expect(variablesRefused({ ...production, GARDIEN_NATS_TLS_CA_FILE: certificates.caFile })).toEqual(['GARDIEN_NATS_TLS_CERT_FILE', 'GARDIEN_NATS_TLS_KEY_FILE']);
  expect(load({ ...production, ...files }).GARDIEN_NATS_TLS_KEY).toBe(pem(certificates.clients.tenant!.keyFile));
});

test('a certificate without its key, or a key without its certificate, is refused', () => {
  expect(variablesRefused({ GARDIEN_NATS_TLS_CERT_FILE: files.GARDIEN_NATS_TLS_CERT_FILE })).toEqual(['GARDIEN_NATS_TLS_KEY_FILE']);
  expect(variablesRefused({ GARDIEN_NATS_TLS_KEY_FILE: files.GARDIEN_NATS_TLS_KEY_FILE })).toEqual(['GARDIEN_NATS_TLS_CERT_FILE']);
});

test('the key of another certificate is refused by the name of its file variable', () => {
  expect(variablesRefused({ ...files, GARDIEN_NATS_TLS_KEY_FILE: certificates.clients.audit!.keyFile })).toEqual(['GARDIEN_NATS_TLS_KEY_FILE']);
});

test('what is not a CA certificate, a certificate or an unencrypted key is refused, and never echoed', () => {
  const write = (name: string, content: string) => {
    const file = join(dir, name);
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  };
  const encrypted = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
  const cases: Array<[NodeJS.ProcessEnv, string]> = [
    [{ ...files, GARDIEN_NATS_TLS_CA_FILE: files.GARDIEN_NATS_TLS_CERT_FILE }, 'GARDIEN_NATS_TLS_CA_FILE'], // a leaf given as the CA
    [{ ...files, GARDIEN_NATS_TLS_CERT_FILE: write('garbage.pem', 'CANARY-not-a-certificate') }, 'GARDIEN_NATS_TLS_CERT_FILE'],
    [{ ...files, GARDIEN_NATS_TLS_KEY_FILE: write('encrypted-key.pem', encrypted) }, 'GARDIEN_NATS_TLS_KEY_FILE'],
    [{ ...files, GARDIEN_NATS_TLS_KEY_FILE: files.GARDIEN_NATS_TLS_CERT_FILE }, 'GARDIEN_NATS_TLS_KEY_FILE'], // a certificate given as the key
    [{ ...files, GARDIEN_NATS_TLS_KEY_FILE: join(dir, 'missing.pem') }, 'GARDIEN_NATS_TLS_KEY_FILE'],
    [{ GARDIEN_NATS_TLS_CA: 'CANARY-inline' }, 'GARDIEN_NATS_TLS_CA'],
  ];
  for (const [env, variable] of cases) {
    let caught: unknown;
    try {
      load(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variables).toEqual([variable]);
    expect((caught as ConfigError).message).not.toMatch(/CANARY|BEGIN/);
  }
});

test('an expired certificate or CA is refused at boot rather than at every reconnect', () => {
  const inEleventyYears = Date.now() + 11 * 365 * 86_400_000;
  expect(variablesRefused(files, inEleventyYears)).toEqual(['GARDIEN_NATS_TLS_CERT_FILE', 'GARDIEN_NATS_TLS_CA_FILE']);
});

test('the printable configuration never holds the key, and names certificates by fingerprint', () => {
  const printed = JSON.stringify(printableConfig(load(files)));
  expect(printed).not.toContain('PRIVATE KEY');
  expect(printed).not.toContain('BEGIN CERTIFICATE');
  expect(printableConfig(load(files))).toMatchObject({
    GARDIEN_NATS_TLS_KEY: '[set]',
    GARDIEN_NATS_TLS_CA: expect.stringMatching(/^\[certificate sha256 ([0-9A-F]{2}:){31}[0-9A-F]{2}, valid to \d{4}-/),
  });
});
