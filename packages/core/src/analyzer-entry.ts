/**
 * `@k8s-security-pro/core/analyzer`: the reachability analyzer and the Kubernetes object reader
 * without the rest of the core. The options schema (zod) and the templates are not loaded, so a
 * command that only analyzes starts faster; everything here is also exported by the main entry.
 * @packageDocumentation
 */
export { AnalyzerInputError } from './analyzer/analyzer-input-error.js';
export * from './analyzer/cluster-model.js';
export * from './analyzer/reachability.js';
export * from './kubernetes/index.js';
export { parseIp } from './model/kubernetes-names.js';
export * from './analyzer/endpoint-pairs.js';
export * from './verify/index.js';
export * from './analyzer/connectivity-diff.js';
