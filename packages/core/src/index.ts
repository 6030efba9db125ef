/**
 * @k8s-security-pro/core: the namespace-isolation policy model. Pure functions only: no I/O.
 * @packageDocumentation
 */
export {
  LabelSelector,
  NAMESPACE_NAME_LABEL,
  NETWORK_POLICY_PROTOCOLS,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  sortedRecord,
  type IPBlock,
  type LabelSelectorOperator,
  type LabelSelectorRequirement,
  type NetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyProtocol,
  type NetworkPolicySpec,
  type NetworkPolicyType,
  type ObjectMeta,
} from './model/network-policy.js';
export {
  checkCidr,
  checkLabelKey,
  checkLabelValue,
  checkNamespaceName,
  checkPortName,
  NAME_MESSAGES,
  cidrContains,
  formatCidr,
  parseCidr,
  parseIp,
  subtractCidrs,
  type ParsedCidr,
} from './model/kubernetes-names.js';
export {
  BROADEST_IPV4_PREFIX,
  BROADEST_IPV6_PREFIX,
  DNS_SYSTEM_NAMESPACE,
  GUARDRAIL_MESSAGES,
  INGRESS_CONTROLLER_DEFAULT_PORTS,
  LINK_LOCAL_PREFIX,
  WIDEST_PORT_RANGE,
} from './options/guardrail-messages.js';
export { GUARDRAIL_RULES, type GuardrailRule } from './options/guardrail-rules.js';
export { ENVIRONMENT_NAMESPACES, cidrOf, guardrailIssues, selectorNarrows, type GuardrailIssue } from './options/guardrails.js';
export { GLOBAL_OPT_INS, OPT_IN_DESCRIPTIONS, describeOptIn, optInsInUse } from './options/opt-ins.js';
export {
  NamespaceIsolationOptionsError,
  SYSTEM_NAMESPACES,
  formatFieldPath,
  namespaceIsolationOptionsJsonSchema,
  namespaceIsolationOptionsSchema,
  resolveNamespaceIsolationOptions,
  validateNamespaceIsolationOptions,
  type NamespaceIsolationOptions,
  type OptionsIssue,
  type OptionsValidation,
  type ResolvedNamespaceIsolationOptions,
} from './options/namespace-isolation-options.js';
export {
  ANNOTATION_PREFIX,
  NAMESPACE_ISOLATION_APPLY_ORDER,
  NAMESPACE_ISOLATION_LABELS,
  NAMESPACE_ISOLATION_LAYERS,
  OPT_INS_ANNOTATION,
  namespaceIsolation,
  namespaceIsolationPolicy,
  type NamespaceIsolationLayer,
  type NamespaceIsolationLayerKey,
} from './templates/namespace-isolation.js';
export {
  CLUSTER_NETWORK_POLICY_API_VERSION,
  CLUSTER_NETWORK_POLICY_LIMITS,
  type ClusterNetworkPolicy,
  type ClusterNetworkPolicyAction,
  type ClusterNetworkPolicyEgressRule,
  type ClusterNetworkPolicyIngressRule,
  type ClusterNetworkPolicyPeer,
  type ClusterNetworkPolicyPort,
  type ClusterNetworkPolicyProtocol,
  type ClusterNetworkPolicySpec,
  type ClusterNetworkPolicyTier,
  type NamespacedPodSelector,
} from './model/cluster-network-policy.js';
export {
  ADMIN_TIER_PRIORITY,
  BASELINE_TIER_PRIORITY,
  adminTierScope,
  clusterNetworkPolicies,
  type AdminTierScope,
} from './templates/cluster-network-policies.js';
export {
  CILIUM_NAMESPACE_LABEL,
  ciliumNetworkPolicies,
  ciliumNetworkPolicyFrom,
  type CiliumEndpointSelector,
  type CiliumFqdnSelector,
  type CiliumNetworkPolicy,
  type CiliumPortRule,
  type CiliumRule,
} from './templates/cilium-network-policy.js';
export {
  CiliumOptionsError,
  resolveFqdnEgress,
  type CiliumOptions,
  type FqdnEgressOptions,
  type FqdnEgressPort,
  type ResolvedFqdnEgress,
} from './options/fqdn-egress.js';
export { RENDER_TARGETS, renderEnvironment, renderTargetNamed, type RenderTarget, type RenderTargetInput } from './targets/render-targets.js';
export {
  NAMESPACE_ISOLATION,
  type CatalogEntry,
  type CisControl,
  type MitreTechnique,
  type VerificationStep,
} from './catalog/namespace-isolation.js';
export { ENVIRONMENTS, environmentNamed, type EnvironmentDefinition } from './environments/environments.js';
export { parseEnvironmentsConfig } from './environments/environments-config.js';
export { toYaml, toYamlStream } from './manifest/yaml.js';
/** The one reader of Kubernetes objects (manifest text, lists, duplicates, field access). */
export * from './kubernetes/index.js';
export {
  LINT_DISABLE_ANNOTATION,
  LINT_RULES,
  LINT_SEVERITIES,
  LINTED_KINDS,
  lintManifests,
  parseRuleIdList,
  policyRefLabel,
  severityAtLeast,
  unknownLintRuleIds,
  type LintFinding,
  type LintOptions,
  type LintResult,
  type LintRule,
  type LintSeverity,
  type OtherObjects,
  type PolicyFamily,
  type PolicyRef,
} from './lint/index.js';
/**
 * The reachability analyzer: a cluster model built from Kubernetes objects, and a pure
 * evaluator of NetworkPolicy semantics (see analyzer/README.md for the rules and limits).
 */
export { AnalyzerInputError } from './analyzer/analyzer-input-error.js';
export type { ConformanceCase } from './analyzer/conformance/conformance-case.js';
export {
  clusterModelFromObjects,
  externalEndpoint,
  type ClusterContainerPort,
  type ClusterEndpoint,
  type ClusterModel,
  type ClusterModelLoad,
  type ClusterNamespace,
  type EndpointId,
  type EndpointKind,
  type Protocol,
} from './analyzer/cluster-model.js';
export {
  analyzeReachability,
  evaluateConnection,
  explanationText,
  forEachConnection,
  iterateReachability,
  reachabilityStatistics,
  summarizeReachability,
  type Connection,
  type Explanation,
  type PolicyRuleRef,
  type ReachabilityQuery,
  type ReachabilityStatistics,
  type ReachabilitySummary,
  type SideExplanation,
  type Verdict,
} from './analyzer/reachability.js';
export {
  forEachEndpointPair,
  iterateEndpointPairs,
  summarizeByNamespace,
  type EndpointPairQuery,
  type EndpointPairVerdicts,
  type GroupPairTotals,
  type NamespaceReachability,
} from './analyzer/endpoint-pairs.js';
export {
  changeCause,
  changeCauseText,
  endpointChanges,
  iterateConnectivityChanges,
  type ChangeCause,
  type EndpointChanges,
  type PairChange,
  type PortChange,
} from './analyzer/connectivity-diff.js';
export {
  AUDIT_CHECKS,
  AUDIT_CHECK_LIST,
  CNI_ENFORCEMENT_NOTE,
  auditNamespaces,
  type AuditCheck,
  type AuditCheckResult,
  type AuditOptions,
  type AuditResult,
  type NamespaceAudit,
} from './audit/index.js';
export {
  COMPLIANCE_FRAMEWORKS,
  FRAMEWORK_IDS,
  complianceFramework,
  controlTag,
  controlTagsForCheck,
  controlVerdicts,
  type ComplianceFramework,
  type ControlStatus,
  type ControlVerdict,
  type FrameworkControl,
  type FrameworkId,
  type NamespaceControlVerdict,
  type SourceDocument,
} from './compliance/index.js';
export { asStoredByServer } from './model/stored-spec.js';
export {
  ARGOCD_NAMESPACE,
  FLEET_CLUSTER_LABEL,
  FLUX_NAMESPACE,
  GITOPS_ENGINES,
  argoCdApplication,
  argoCdFleet,
  fluxFleet,
  gitopsFleet,
  type ArgoCdDestination,
  type FleetObject,
  type FleetOptions,
  type FleetSource,
  type GitOpsEngine,
} from './gitops/fleet.js';
export * from './verify/index.js';
export { threatModelExpectations } from './verify/threat-model.js';
