import { jestConfig } from './jest.preset.js';

export default jestConfig({ displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test,bench}/**/*.spec.ts'] });
