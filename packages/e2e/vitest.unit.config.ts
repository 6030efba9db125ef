import { defineConfig } from 'vitest/config';

/** Unit tests of the e2e and dataplane helpers that need no control plane, root or network namespace. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    update: false,
  },
});
