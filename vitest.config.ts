import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/support/network-guard.mjs'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn many processes and servers; two cores, so keep the pool modest.
    maxWorkers: 3,
  },
});
