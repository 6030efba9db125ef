import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The release dry run's install step: only src/helm-oci.e2e.ts, with the suite's timeouts. */
export default defineConfig({ test: { ...base.test, include: ['src/helm-oci.e2e.ts'], exclude: [] } });
