import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'gateway/**/*.test.ts',
      'pipelines/**/*.test.ts',
      'test/**/*.test.ts',
      'instrumentation/*/test/**/*.test.ts',
      'instrumentation/*/src/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '.cache/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // One test file at a time: most suites start gateways, brokers and browsers of their own, and
    // on two cores parallel files starve each other into timeouts (the whole run stays ~10 min).
    fileParallelism: false,
    maxWorkers: 1,
  },
});
