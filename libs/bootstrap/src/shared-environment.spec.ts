import { sharedEnvironment } from './shared-environment.js';

test('what a supervisor passes on to every process: no credential, no key location, no libpq variable', () => {
  const env = {
    PATH: '/usr/bin',
    NODE_OPTIONS: '--x',
    GARDIEN_NATS_URL: 'nats://127.0.0.1:4222',
    GARDIEN_LOG_LEVEL: 'debug',
    GARDIEN_DATABASE_ADMIN_URL: 'postgres://postgres:x@db/postgres',
    GARDIEN_DATABASE_ADMIN_URL_FILE: '/run/secrets/admin',
    GARDIEN_DATABASE_URL: 'postgres://postgres@db/postgres',
    GARDIEN_MAINTENANCE_DATABASE_URL_FILE: '/run/secrets/maint',
    GARDIEN_DB_ROLE_SECRET: 'x',
    GARDIEN_TEST_DATABASE_URL: 'postgres://postgres@db/postgres',
    GARDIEN_MASTER_KEY_FILE: '/keys/master.key',
    GARDIEN_DATA_DIR: '/keys',
    GARDIEN_NATS_NKEY_SEED_FILE: '/run/secrets/auth.nk',
    GARDIEN_NATS_USER: 'u',
    GARDIEN_NATS_PASSWORD: 'p',
    GARDIEN_BOOTSTRAP_PASSWORD: 'p',
    PGPASSWORD: 'p',
    PGUSER: 'postgres',
    GARDIEN_VAULT_TOKEN: 'hvs.operator',
    GARDIEN_VAULT_ROLE_ID_FILE: '/run/secrets/role-id',
    GARDIEN_VAULT_SECRET_ID_FILE: '/run/secrets/secret-id',
    GARDIEN_NATS_TLS_KEY: '-----BEGIN PRIVATE KEY-----',
    GARDIEN_NATS_TLS_KEY_FILE: '/run/secrets/cli-key.pem',
    GARDIEN_NATS_TLS_CERT_FILE: '/run/secrets/cli.pem',
    GARDIEN_NATS_TLS_CA_FILE: '/run/secrets/ca.pem',
    GARDIEN_VAULT_ADDR: 'https://vault:8200',
    // The Vault CLI's own variables, which an operator may have exported (and VAULT_SKIP_VERIFY
    // would turn off TLS verification in a client that reads it).
    VAULT_TOKEN: 'hvs.operator-cli',
    VAULT_ADDR: 'https://vault:8200',
    VAULT_SKIP_VERIFY: '1',
    VAULT_ROLE_ID: 'r',
  };
  // The operator's Vault token or AppRole and its own TLS key and certificate stay with it: each process
  // has its own identity with Vault and on the bus. The CA and Vault's address are public and shared.
  expect(sharedEnvironment(env)).toEqual({
    PATH: '/usr/bin',
    NODE_OPTIONS: '--x',
    GARDIEN_NATS_URL: 'nats://127.0.0.1:4222',
    GARDIEN_LOG_LEVEL: 'debug',
    GARDIEN_NATS_TLS_CA_FILE: '/run/secrets/ca.pem',
    GARDIEN_VAULT_ADDR: 'https://vault:8200',
  });
});
