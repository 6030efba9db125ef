/**
 * `@k8s-security-pro/core/testing`: helpers for reproducible tests and benchmarks, kept out of
 * the main entry because the product itself never needs them.
 * @packageDocumentation
 */
export { seededRandom } from './seeded-random.js';
