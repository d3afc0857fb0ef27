// Lint of the whole workspace. Two jobs: code rules (typescript-eslint, type-aware) and the
// architecture, through Nx tags (see each project's package.json "nx.tags"):
//   type:app       may depend on libs and contracts, never on another app
//   type:lib       may depend on libs and contracts, never on apps
//   type:contracts may depend on contracts only, and never pulls Nest, TypeORM or pg
//   type:testing   test helpers, usable by tests only (no app or lib source may import it)
//   model-access:denied may not import scope:llm-runtime; only llm-gateway is model-access:granted
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
  {
    sourceTag: 'type:contracts',
    onlyDependOnLibsWithTags: ['type:contracts'],
    bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', 'reflect-metadata'],
  },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:testing'] },
  { sourceTag: 'model-access:denied', notDependOnLibsWithTags: ['scope:llm-runtime'] },
];

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints, checkDynamicDependenciesExceptions: [] },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Handlers are bound to their bus operation's definition (libs/platform @Handles): a bare
    // @MessagePattern or @Payload would answer a subject, or read a payload, outside the contract.
    files: ['apps/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@nestjs/microservices',
              importNames: ['MessagePattern', 'EventPattern', 'Payload'],
              message: 'Bind handlers with @Handles(operation) and read payloads with @RequestPayload() from @gardien/platform.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests (and only tests) may use the test helpers of libs/testing.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.timing-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: depConstraints.map((constraint) =>
            constraint.onlyDependOnLibsWithTags && constraint.sourceTag !== 'type:contracts'
              ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'type:testing'] }
              : constraint,
          ),
        },
      ],
    },
  },
];
