import { defineConfig } from 'vitest/config';

/**
 * The end-to-end suites share one machine's CPU with a kube-apiserver and etcd per file, so
 * files run one after another; each file starts and stops its own control plane.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.ts'],
    // The chart from a real OCI registry with Helm 3 and Helm 4: run by the release dry run
    // (tools/release-dry-run.sh, part of npm test) with vitest.release.config.ts.
    exclude: ['src/helm-oci.e2e.ts', '**/node_modules/**'],
    environment: 'node',
    update: false,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
