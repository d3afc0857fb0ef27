import { jestConfig } from './jest.preset.js';

// Tests that compare how long one input takes against another (no input may make a scan super-linear).
// They run after the unit suite, one file at a time in a process of their own: in the unit suite's
// process, the garbage of a hundred other files made the larger run of a pair pay for collections
// the smaller one did not (CI measured linear scans at 86 to 157 times for 16 times the text).
export default jestConfig({ displayName: 'timing', testMatch: ['<rootDir>/{apps,libs}/**/*.timing-spec.ts'], testTimeout: 240_000, maxWorkers: 1 });
