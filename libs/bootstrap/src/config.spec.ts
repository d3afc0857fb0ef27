import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseConfigSchema, ConfigError, ServiceConfigSchema, loadConfig, printableConfig, requireDatabasePasswords, requireProductionSettings } from './config.js';

const RUNTIME_URL = 'postgres://gardien_auth_app:Runt1mePassw0rd@db:5432/gardien_auth';

function variablesRefused(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.variables.sort();
    throw error;
  }
  return [];
}

test('defaults apply when nothing is set', () => {
  const config = loadConfig(BaseConfigSchema, {});
  expect(config.GARDIEN_NATS_URL).toBe('nats://127.0.0.1:4222');
  expect(config.GARDIEN_METRICS_PORT).toBe(0);
});

test('a bad value names the variable and never prints the value', () => {
  const secretLooking = 'postgres//user:s3cr3t-password@host';
  let caught: unknown;
  try {
    loadConfig(ServiceConfigSchema, { GARDIEN_DATABASE_URL: secretLooking, GARDIEN_METRICS_PORT: '70000' });
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  expect(error.variables.sort()).toEqual(['GARDIEN_DATABASE_URL', 'GARDIEN_METRICS_PORT']);
  expect(error.message).not.toContain('s3cr3t');
  expect(error.message).not.toContain('70000');
});

test('secrets are read from X_FILE, and an unreadable file is named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gardien-config-'));
  const file = join(dir, 'database.url');
  writeFileSync(file, `${RUNTIME_URL}\n`, { mode: 0o600 });
  expect(loadConfig(ServiceConfigSchema, { GARDIEN_DATABASE_URL_FILE: file }).GARDIEN_DATABASE_URL).toBe(RUNTIME_URL);
  expect(variablesRefused(() => loadConfig(ServiceConfigSchema, { GARDIEN_DATABASE_URL_FILE: join(dir, 'missing') }))).toEqual(['GARDIEN_DATABASE_URL_FILE']);
});

test('a service needs its own database URL, and refuses the administrator’s URL and the old shared role secret, naming them only', () => {
  expect(variablesRefused(() => loadConfig(ServiceConfigSchema, {}))).toEqual(['GARDIEN_DATABASE_URL']);
  const given = { GARDIEN_DATABASE_URL: RUNTIME_URL, GARDIEN_DATABASE_ADMIN_URL: 'postgres://postgres:Adm1nPassw0rd@db/postgres', GARDIEN_DB_ROLE_SECRET: 'an-old-shared-role-secret' };
  let caught: unknown;
  try {
    loadConfig(ServiceConfigSchema, given);
  } catch (error) {
    caught = error;
  }
  expect((caught as ConfigError).variables.sort()).toEqual(['GARDIEN_DATABASE_ADMIN_URL', 'GARDIEN_DB_ROLE_SECRET']);
  expect((caught as ConfigError).message).not.toMatch(/Adm1n|old-shared/);
});

test('a bad value read from a file is named by the file’s variable: that is the one to fix', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gardien-config-')), 'seed');
  writeFileSync(file, 'not-a-seed\n', { mode: 0o600 });
  expect(variablesRefused(() => loadConfig(BaseConfigSchema, { GARDIEN_NATS_NKEY_SEED_FILE: file }))).toEqual(['GARDIEN_NATS_NKEY_SEED_FILE']);
});

test('the printable configuration masks secrets and URL passwords', () => {
  const config = loadConfig(ServiceConfigSchema, {
    GARDIEN_DATABASE_URL: RUNTIME_URL,
    GARDIEN_MAINTENANCE_DATABASE_URL: 'postgres://gardien_auth_maint:Ma1ntPassw0rd@db:5432/gardien_auth',
    GARDIEN_NATS_NKEY_SEED: `SU${'A'.repeat(56)}`,
  });
  const printed = JSON.stringify(printableConfig(config));
  expect(printed).not.toContain('Runt1mePassw0rd');
  expect(printed).not.toContain('Ma1ntPassw0rd');
  expect(printed).not.toContain('A'.repeat(56));
  expect(printableConfig(config)).toMatchObject({ GARDIEN_NATS_NKEY_SEED: '[set]', GARDIEN_DATABASE_URL: 'postgres://gardien_auth_app:***@db:5432/gardien_auth' });
});

test('production refuses developer defaults: NATS credentials and the bus’s TLS are required', () => {
  expect(variablesRefused(() => loadConfig(BaseConfigSchema, { GARDIEN_ENV: 'production' }, requireProductionSettings))).toEqual([
    'GARDIEN_NATS_NKEY_SEED',
    'GARDIEN_NATS_TLS_CA_FILE',
    'GARDIEN_NATS_TLS_CERT_FILE',
    'GARDIEN_NATS_TLS_KEY_FILE',
  ]);
  // A complete production configuration is loaded in nats-tls.spec.ts (it needs real certificates).
});

test('production refuses database URLs without a password; development accepts them (trusted local clusters)', () => {
  const withoutPasswords = { GARDIEN_DATABASE_URL: 'postgres://gardien_auth_app@db/gardien_auth', GARDIEN_MAINTENANCE_DATABASE_URL: 'postgres://gardien_auth_maint@db/gardien_auth' };
  expect(variablesRefused(() => loadConfig(ServiceConfigSchema, { GARDIEN_ENV: 'production', ...withoutPasswords }, requireDatabasePasswords))).toEqual([
    'GARDIEN_DATABASE_URL',
    'GARDIEN_MAINTENANCE_DATABASE_URL',
  ]);
  expect(variablesRefused(() => loadConfig(ServiceConfigSchema, withoutPasswords, requireDatabasePasswords))).toEqual([]);
  expect(variablesRefused(() => loadConfig(ServiceConfigSchema, { GARDIEN_ENV: 'production', GARDIEN_DATABASE_URL: RUNTIME_URL }, requireDatabasePasswords))).toEqual([]);
});
