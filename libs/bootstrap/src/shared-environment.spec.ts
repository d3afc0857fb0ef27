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
  };
  expect(sharedEnvironment(env)).toEqual({ PATH: '/usr/bin', NODE_OPTIONS: '--x', GARDIEN_NATS_URL: 'nats://127.0.0.1:4222', GARDIEN_LOG_LEVEL: 'debug' });
});
