import { defineConfig } from 'vitest/config';

// Two projects: fast unit/simulation tests beside the code (run in parallel), and black-box tests
// in test/ that start real processes and a real ZooKeeper (run one file at a time: this is a
// 2-core machine and they wait on conditions with generous timeouts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          pool: 'forks',
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'blackbox',
          include: ['test/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 240_000,
          hookTimeout: 240_000,
          globalSetup: ['test/harness/global-setup.ts'],
        },
      },
    ],
  },
});
