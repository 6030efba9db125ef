/**
 * The evidence bundle, version 1: what `k8s-security evidence` writes as JSON (and renders as
 * Markdown and HTML). Its JSON Schema is packages/cli/schemas/evidence-bundle-v1.schema.json;
 * a field that changes meaning or goes away means version 2, never a silent change.
 */

import type { ControlStatus, FrameworkControl, SourceDocument } from '@k8s-security-pro/core';
import type { BundleComparison } from './compare-bundles.js';

/** The `schema` value of every version-1 bundle; GRC tools dispatch on it. */
export const EVIDENCE_BUNDLE_SCHEMA = 'k8s-security-pro/evidence-bundle/v1';

export type PassFail = 'pass' | 'fail';

export interface BundlePolicy {
  readonly name: string;
  /** `sha256:<hex>` of the canonical JSON of namespace, name and the spec as the API server stores it. */
  readonly digest: string;
  readonly policyTypes: readonly string[];
  /** The pods it selects: `all pods` or `app=db,tier in (a,b)`. */
  readonly podSelector: string;
  /** The layer of template #14 it is (`default-deny-ingress`...), from its `app.kubernetes.io/component` labels; absent for other policies. */
  readonly templateLayer?: string;
}

export interface BundleNamespace {
  readonly name: string;
  /** Audited (not a system namespace, not excluded). */
  readonly audited: boolean;
  /** One of the environments the reachability assertions are about. */
  readonly environment: boolean;
  readonly policies: readonly BundlePolicy[];
}

export interface BundleCheckResult {
  readonly namespace: string;
  readonly checkId: string;
  readonly status: PassFail;
  readonly severity: 'error' | 'warning' | 'note';
  readonly message: string;
  readonly policies: readonly string[];
}

/** One ordered pair of namespaces (or the outside world): how many checked connections are allowed. */
export interface ReachabilityPair {
  readonly from: string;
  readonly to: string;
  readonly allowed: number;
  readonly total: number;
  readonly level: 'all' | 'partial' | 'none';
  /** Allowed `endpoint -> endpoint PROTO port`, at most 20, for the report. */
  readonly allowedExamples: readonly string[];
}

/**
 * A threat-model assertion and its result. Version 1 fills these from the analyzer's own
 * environment-reachability checks (`producer: analyzer`); `k8s-security verify` adds its
 * threat-model assertions with `producer: verify` in the same shape.
 */
export interface AssertionResult {
  readonly id: string;
  readonly producer: 'analyzer' | 'verify';
  readonly statement: string;
  readonly expected: 'denied' | 'allowed';
  readonly status: PassFail;
  /** What the analyzer found, in one sentence. */
  readonly observed: string;
}

/** A framework control as the catalog maps it, with its verdict overall and per namespace. */
export interface BundleControl extends FrameworkControl {
  /** `PCI-DSS 1.3.1`. */
  readonly tag: string;
  readonly status: ControlStatus;
  readonly namespaces: readonly { readonly namespace: string; readonly status: ControlStatus }[];
}

export interface BundleFramework {
  readonly id: string;
  readonly name: string;
  readonly source: SourceDocument;
  readonly controls: readonly BundleControl[];
}

export interface EvidenceBundle {
  readonly schema: typeof EVIDENCE_BUNDLE_SCHEMA;
  /** ISO 8601 UTC. */
  readonly generatedAt: string;
  readonly tool: { readonly name: 'k8s-security'; readonly version: string };
  readonly kubernetes: {
    /** The API server's `gitVersion`, or null when the input was manifests. */
    readonly serverVersion: string | null;
    readonly note: string;
  };
  readonly source: {
    readonly kind: 'manifests' | 'cluster';
    readonly description: string;
    /** Manifest files and the sha256 of their bytes (manifests only). */
    readonly files: readonly { readonly path: string; readonly sha256: string }[];
  };
  readonly summary: {
    readonly verdict: PassFail;
    readonly namespacesAudited: number;
    readonly policies: number;
    readonly checks: { readonly passed: number; readonly failed: number };
    readonly assertions: { readonly passed: number; readonly failed: number };
  };
  readonly namespaces: readonly BundleNamespace[];
  readonly audit: {
    readonly checks: readonly { readonly id: string; readonly name: string; readonly summary: string; readonly severity: string; readonly controls: readonly string[] }[];
    readonly results: readonly BundleCheckResult[];
    readonly skipped: readonly { readonly namespace: string; readonly reason: string }[];
    readonly notes: readonly string[];
  };
  readonly reachability: {
    readonly method: string;
    readonly groups: readonly string[];
    readonly pairs: readonly ReachabilityPair[];
  };
  readonly assertions: readonly AssertionResult[];
  readonly frameworks: readonly BundleFramework[];
  /** With `--previous`: what changed since that bundle. */
  readonly changesSincePrevious?: BundleComparison;
}
