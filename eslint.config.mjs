// Lint rules that hold the architecture: module boundaries between apps and libs are errors, not advice.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const frameworkPackages = ['@nestjs/*', 'typeorm', '@nestjs/typeorm', 'nats', 'ioredis', 'pg', 'express', 'rxjs'];

export default [
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.nx/**', 'tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    // Nest reads constructor parameter types at run time: those imports must stay value imports.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      complexity: ['error', 20],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'scope:broker', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:identity', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:policy', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:approval', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:audit', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:contracts',
                'type:platform',
                'type:domain',
                'type:classifier',
                'type:testing',
              ],
            },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:platform', 'type:testing'],
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: frameworkPackages,
            },
            {
              sourceTag: 'type:classifier',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:classifier', 'type:testing'],
              bannedExternalImports: frameworkPackages,
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: [
                'type:contracts',
                'type:classifier',
                'type:domain',
                'type:platform',
                'type:testing',
              ],
            },
            {
              sourceTag: 'type:platform',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:testing'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:testing'],
            },
          ],
        },
      ],
    },
  },
  {
    // The test harness is for tests: production code never imports it (tags allow it only for specs).
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/test/**', 'libs/testing/**', 'bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@portcullis/testing', message: 'test harness: only specs may import it' }] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'bench/**/*.ts'],
    rules: { 'max-lines': 'off', complexity: 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
];
