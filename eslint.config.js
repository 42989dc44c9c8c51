// ESLint: typescript-eslint on all TypeScript; the official AppSync plugin on
// resolvers/ and core/, which resolvers bundle (the machine-checkable form of
// APPSYNC_JS's language limits).
import tseslint from 'typescript-eslint';
import appsync from '@aws-appsync/eslint-plugin';

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
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['resolvers/**/*.ts', 'core/**/*.ts'],
    ignores: ['resolvers/manifest.ts', 'resolvers/build.ts', 'core/generated/**'],
    plugins: { '@aws-appsync': appsync },
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: { ...appsync.configs.recommended.rules },
  },
);
