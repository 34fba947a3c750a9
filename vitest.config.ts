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
    exclude: [
      '**/node_modules/**',
      '.cache/**',
      // Passes alone but timed out twice in the full sequential suite (the consumer had not caught
      // up 90 s after the private broker restarted); runs with `npm run test:chaos` until that is
      // understood. The gateway-level outage test (test/chaos/gateway-kafka-outage) stays in CI.
      ...(process.env.OTELGATE_CHAOS_ROUNDS ? [] : ['test/kafka/broker-outage.test.ts']),
    ],
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
