import { defineConfig } from 'vitest/config'

// Two projects:
// - unit: pure code, tests next to it (src/**/*.test.ts); needs no infrastructure.
// - integration: test/**/*.test.ts against real Kafka, the schema registry and ClickHouse (chDB).
//   Its global setup provides the infrastructure or fails loudly; nothing is skipped silently.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/infra/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // chDB holds one data directory per process: integration files run one at a time in one
          // worker process, on the one data directory the global setup provides.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
})
