import { defineConfig } from 'vitest/config';

/**
 * The dataplane suites (docs/dataplane.md): each file starts a control plane, a node network
 * namespace with kube-router and a namespace per pod, so files run one after another.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.dataplane.ts'],
    environment: 'node',
    update: false,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
