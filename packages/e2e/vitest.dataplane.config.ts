import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The dataplane suites (docs/dataplane.md): each file starts a control plane, a node network
 * namespace with kube-router and a namespace per pod, so files run one after another, with the
 * end-to-end suites' timeouts.
 */
export default defineConfig({ test: { ...base.test, include: ['src/**/*.dataplane.ts'], exclude: ['**/node_modules/**'] } });
