// Lint: type-checked rules, no floating promises, and the import directions of ../shared/style.md.
import tseslint from 'typescript-eslint';

const ours = (...folders) => folders.flatMap((f) => [`../${f}`, `../${f}/*`, `../../${f}`, `../../${f}/*`]);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      'coverage/**',
      '**/*.mjs',
      'web/dist/**',
      'web/src/api/schema.d.ts',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests read JSON answers as the outside world does: untyped, checked by assertions.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['machines/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                ...ours('workflows', 'activities', 'api', 'config', 'temporal', 'bin', 'records'),
              ],
              message: 'machines/ is pure: it imports nothing of ours and no Node built-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'child_process'],
              message: 'Workflow code runs in the deterministic sandbox: no Node built-ins.',
            },
            {
              group: ours('api', 'config', 'temporal', 'bin', 'records'),
              message: 'workflows/ imports machines/ and only types from activities/.',
            },
            {
              group: ours('activities'),
              allowTypeImports: true,
              message: 'workflows/ may import only types from activities/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts', 'api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ours('bin'), message: 'Entry points wire the parts together; nothing imports them.' },
          ],
        },
      ],
    },
  },
  {
    // The records store keeps what must last; it serves activities and the API and decides nothing.
    files: ['records/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ours('api', 'workflows', 'activities', 'temporal', 'bin', 'config'),
              message: 'records/ imports machines/ only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ours('api', 'workflows', 'bin'), message: 'activities/ imports machines/ only.' },
          ],
        },
      ],
    },
  },
);
