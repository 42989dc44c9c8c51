// ESLint: typescript-eslint with type information on all TypeScript (one
// project service over tsconfig.json, so the whole tree is type-checked once);
// the official AppSync plugin on resolvers/ and core/, which resolvers bundle
// (the machine-checkable form of APPSYNC_JS's language limits).
import tseslint from 'typescript-eslint';
import appsync from '@aws-appsync/eslint-plugin';

const TYPESCRIPT = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'cdk.out/**',
      'dist/**',
      'web/dist/**',
      '.alleycat/**',
      '**/generated/**',
      'bench/results.json',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: TYPESCRIPT,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its rejection: await it, or `void` it where fire-and-forget is meant.
      '@typescript-eslint/no-floating-promises': 'error',
      // A promise-returning function where a void callback is expected (event handlers, setTimeout) drops its errors.
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch over a union (protocol messages, events) names every member, unless a
      // `default` says on purpose what the rest do.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['resolvers/**/*.ts', 'core/**/*.ts'],
    ignores: ['resolvers/manifest.ts', 'resolvers/build.ts', 'core/generated/**'],
    plugins: { '@aws-appsync': appsync },
    rules: { ...appsync.configs.recommended.rules },
  },
);
