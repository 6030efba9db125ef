import { defineConfig } from 'vitest/config';

/** Shared vitest settings: tests sit beside the code, and CI never writes snapshots. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    update: false,
    testTimeout: 60_000,
  },
});
