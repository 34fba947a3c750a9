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
    maxWorkers: 2,
  },
});
