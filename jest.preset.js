// Shared Jest settings: TypeScript compiled to ES modules by SWC (legacy decorators with
// metadata, as Nest needs), workspace libs mapped to their sources, `.js` suffixes of
// relative imports resolved to the `.ts` files.
const libs = ['contracts', 'bootstrap', 'observability', 'persistence', 'platform', 'testing', 'llm-runtime', 'crypto', 'authz', 'audit-log', 'pii', 'gguf'];

export function jestConfig({ displayName, testMatch, testTimeout = 10_000, maxWorkers }) {
  return {
    displayName,
    rootDir: import.meta.dirname,
    testMatch,
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    testTimeout,
    ...(maxWorkers ? { maxWorkers } : {}),
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            target: 'es2023',
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleNameMapper: {
      ...Object.fromEntries(libs.map((lib) => [`^@gardien/${lib}$`, `<rootDir>/libs/${lib}/src/index.ts`])),
      // (not "x.json.js": libphonenumber-js ships its metadata as such modules, to be imported as they are)
      '^(\\.{1,2}/(?!.*\\.json\\.js$).*)\\.js$': '$1',
    },
  };
}
