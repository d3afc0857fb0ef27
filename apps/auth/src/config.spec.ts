import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { ConfigError, ensureBusCertificates, loadConfig, requireProductionSettings } from '@gardien/bootstrap';
import { AuthConfigSchema } from './config.js';

const cliKey = nkeys.createUser().getPublicKey();
/** The runtime credentials `gardien provision` gives auth. */
const database = { GARDIEN_DATABASE_URL: 'postgres://gardien_auth_app:a-random-password@db:5432/gardien_auth' };
const dir = mkdtempSync(join(tmpdir(), 'gardien-auth-config-'));
// Production also requires the bus's mutual TLS (libs/bootstrap), checked on real certificates.
const tls = ensureBusCertificates({ directory: join(dir, 'tls'), serverNames: ['nats'], clients: ['auth'] });
const production = {
  GARDIEN_ENV: 'production',
  GARDIEN_NATS_NKEY_SEED: `SU${'A'.repeat(56)}`,
  ...database,
  GARDIEN_NATS_TLS_CA_FILE: tls.caFile,
  GARDIEN_NATS_TLS_CERT_FILE: tls.clients.auth!.certFile,
  GARDIEN_NATS_TLS_KEY_FILE: tls.clients.auth!.keyFile,
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** As every service loads it at boot (runService adds the production rules of libs/bootstrap). */
const load = (env: NodeJS.ProcessEnv) => loadConfig(AuthConfigSchema, env, requireProductionSettings);

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a configuration error');
}

test('in development the CLI’s public key is optional', () => {
  expect(load(database).GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY).toBeUndefined();
  expect(load({ ...database, GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY: cliKey }).GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY).toBe(cliKey);
});

test('in production it is required, and named with the other missing variables', () => {
  expect(configErrorOf(production).variables).toEqual(['GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY']);
  expect(configErrorOf({ GARDIEN_ENV: 'production', ...database }).variables).toEqual(
    expect.arrayContaining(['GARDIEN_NATS_NKEY_SEED', 'GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY']),
  );
  expect(load({ ...production, GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY: cliKey }).GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY).toBe(cliKey);
});

test('it may come from the cli.pub file that `gardien nats-config` writes', () => {
  const file = join(dir, 'cli.pub');
  writeFileSync(file, `${cliKey}\n`);
  expect(load({ ...production, GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY_FILE: file }).GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY).toBe(cliKey);
});

test('anything but an nkey user public key is refused by name, never echoed', () => {
  const seed = new TextDecoder().decode(nkeys.createUser().getSeed());
  const wrongChecksum = `${cliKey.slice(0, -1)}${cliKey.at(-1) === 'A' ? 'B' : 'A'}`;
  for (const value of [seed, nkeys.createAccount().getPublicKey(), wrongChecksum, 'U-not-a-key']) {
    const error = configErrorOf({ ...database, GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY: value });
    expect(error.variables).toEqual(['GARDIEN_BOOTSTRAP_CLI_PUBLIC_KEY']);
    expect(error.message).not.toContain(value);
  }
});
