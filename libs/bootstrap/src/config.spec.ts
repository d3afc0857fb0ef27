import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseConfigSchema, ConfigError, loadConfig, printableConfig, requireProductionSettings } from './config.js';

test('defaults apply when nothing is set', () => {
  const config = loadConfig(BaseConfigSchema, {});
  expect(config.GARDIEN_NATS_URL).toBe('nats://127.0.0.1:4222');
  expect(config.GARDIEN_DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/postgres');
  expect(config.GARDIEN_METRICS_PORT).toBe(0);
});

test('a bad value names the variable and never prints the value', () => {
  const secretLooking = 'postgres//user:s3cr3t-password@host';
  let caught: unknown;
  try {
    loadConfig(BaseConfigSchema, { GARDIEN_DATABASE_URL: secretLooking, GARDIEN_METRICS_PORT: '70000' });
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
  const file = join(dir, 'secret');
  writeFileSync(file, 'a-long-enough-role-secret\n', { mode: 0o600 });
  expect(loadConfig(BaseConfigSchema, { GARDIEN_DB_ROLE_SECRET_FILE: file }).GARDIEN_DB_ROLE_SECRET).toBe('a-long-enough-role-secret');
  expect(() => loadConfig(BaseConfigSchema, { GARDIEN_DB_ROLE_SECRET_FILE: join(dir, 'missing') })).toThrow(
    expect.objectContaining({ variables: ['GARDIEN_DB_ROLE_SECRET_FILE'] }),
  );
  // A bad value read from a file is named by the file's variable: that is the one to fix.
  writeFileSync(file, 'short\n', { mode: 0o600 });
  expect(() => loadConfig(BaseConfigSchema, { GARDIEN_DB_ROLE_SECRET_FILE: file })).toThrow(expect.objectContaining({ variables: ['GARDIEN_DB_ROLE_SECRET_FILE'] }));
});

test('the printable configuration masks secrets and URL passwords', () => {
  const config = loadConfig(BaseConfigSchema, {
    GARDIEN_DATABASE_URL: 'postgres://admin:Sup3rS3cret@db:5432/postgres',
    GARDIEN_DB_ROLE_SECRET: 'another-long-secret-value',
    GARDIEN_NATS_NKEY_SEED: `SU${'A'.repeat(56)}`,
  });
  const printed = JSON.stringify(printableConfig(config));
  expect(printed).not.toContain('Sup3rS3cret');
  expect(printed).not.toContain('another-long-secret-value');
  expect(printed).not.toContain('A'.repeat(56));
  expect(printableConfig(config)).toMatchObject({ GARDIEN_DB_ROLE_SECRET: '[set]', GARDIEN_DATABASE_URL: 'postgres://admin:***@db:5432/postgres' });
});

test('production refuses developer defaults: NATS credentials, the bus’s TLS and role passwords are required', () => {
  expect(() => loadConfig(BaseConfigSchema, { GARDIEN_ENV: 'production' }, requireProductionSettings)).toThrow(
    expect.objectContaining({
      variables: ['GARDIEN_NATS_NKEY_SEED', 'GARDIEN_NATS_TLS_CA_FILE', 'GARDIEN_NATS_TLS_CERT_FILE', 'GARDIEN_NATS_TLS_KEY_FILE', 'GARDIEN_DB_ROLE_SECRET'],
    }),
  );
  // A complete production configuration is loaded in nats-tls.spec.ts (it needs real certificates).
});
