import { defineConfig } from 'vitest/config';

/**
 * unit: pure code, no services. integration: the real stack (Kafka, registry, Redis, Postgres),
 * started by the global setup when it is not running; files run one after another on 2 cores.
 */
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{app,connectors,processors,sinks,simulators,topics,lib,cli}/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.spec.ts', 'processors/**/*.spec.ts', 'sinks/**/*.spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
