import { defineConfig } from 'vitest/config';

/**
 * Three projects: unit tests beside the code (pure, fast), integration tests on a real database
 * (PGlite by default, PostgreSQL when TEST_DATABASE_URL is set) and end-to-end tests in Chromium.
 */
/** Integration files that assert latency bounds: run alone (project `integration-timing`). */
const TIMING_FILES = ['test/integration/imports-limits.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Projects run one after another (unit, integration, e2e): the browser tests and the
          // process tests do not compete with the integration files for the two cores.
          sequence: { groupOrder: 0 },
          include: [
            'server/**/*.test.ts',
            'common/**/*.test.ts',
            'scripts/**/*.test.ts',
            'web/src/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          exclude: [...TIMING_FILES],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Each file gets its own database; two workers keep the two cores busy.
          maxWorkers: 2,
        },
      },
      {
        test: {
          // Integration files whose assertion is a latency bound (the server answering /healthz
          // within 200 ms while the largest import runs): alone, after the others. Beside another
          // file on the second core, PGlite's writes on the server's main thread were starved and
          // the bound failed for the neighbour's load, not the server's.
          name: 'integration-timing',
          sequence: { groupOrder: 2 },
          include: [...TIMING_FILES],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 3 },
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
          // A poll waits for what the page will show (a lazily loaded screen, a list after its
          // query): 1 s, vitest's default, is less than a busy two-core machine takes to load a
          // chunk. What the tests assert is the state reached, not how fast; bounds on speed are
          // the benches'.
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
});
