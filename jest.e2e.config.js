import { jestConfig } from './jest.preset.js';

// End-to-end tests start the built services as processes; one file at a time. The global setup
// gives every spec the same canaries and a folder where each platform keeps what it audited; the
// sequencer runs the spec that checks all of it (zz-audit-catalogue.e2e-spec.ts) last.
export default {
  ...jestConfig({
    displayName: 'e2e',
    testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    testTimeout: 120_000,
    maxWorkers: 1,
  }),
  globalSetup: '<rootDir>/test/e2e/suite/global-setup.ts',
  globalTeardown: '<rootDir>/test/e2e/suite/global-teardown.ts',
  testSequencer: '<rootDir>/test/e2e/suite/audit-catalogue-last.js',
};
