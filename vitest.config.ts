import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that load both cores for minutes (a 20,000-rider class through a local stack of its own): they run
 * after the rest of the suite, alone, so that the other tests' timeouts never have to allow for them.
 */
const HEAVY = ['test/pipeline/bigClassRace.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts', 'web/test/**/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude, ...HEAVY],
          globalSetup: ['test/support/globalSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'heavy',
          include: HEAVY,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
