import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/network-guard.mjs', 'test/support/setup.ts'],
    // Safety nets for a hang, never a budget: a loaded two-core machine runs these many times slower.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Tests spawn many processes and servers; two cores, so keep the pool modest.
    maxWorkers: 3,
  },
});
