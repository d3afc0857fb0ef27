import { jestConfig } from './jest.preset.js';

// End-to-end tests start the built services as processes; one file at a time.
export default jestConfig({
  displayName: 'e2e',
  testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
});
