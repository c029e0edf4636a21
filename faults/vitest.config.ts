import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: the bad days of a payment gateway, one scenario per
 * file, each starting its own app, worker and database. Files run one after
 * another: they start processes and load the two cores on their own.
 */
export default defineConfig({
  test: {
    include: ['faults/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./faults/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
    reporters: ['default'],
  },
});
