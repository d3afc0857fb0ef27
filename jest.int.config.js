import { jestConfig } from './jest.preset.js';

// Integration tests use the machine's Postgres and NATS (and private nats-servers); each test
// file gets its own databases, so files may run in parallel, but two workers fit 2 cores.
export default jestConfig({
  displayName: 'integration',
  testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
});
