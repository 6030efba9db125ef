/**
 * Template #14 as `policy.networking.k8s.io/v1beta1` ClusterNetworkPolicies, from the same options
 * as the five NetworkPolicy layers:
 *
 * - **Admin tier** (priority {@link ADMIN_TIER_PRIORITY}): one policy per environment that denies
 *   ingress from and egress to every other environment's namespaces, on every port. Namespace
 *   owners cannot override it: Admin Deny is final, before any NetworkPolicy.
 * - **Baseline tier** (priority {@link BASELINE_TIER_PRIORITY}): one policy per target namespace
 *   with the allowances of layers 2-5 as Accept rules, then Deny for the rest, so a namespace
 *   without NetworkPolicies of its own is still isolated. A namespace's own NetworkPolicies
 *   override it (that is what the Baseline tier is for).
 *
 * What the v1beta1 standard channel cannot say is refused with the option's path and the fix,
 * never dropped: container port names (no `destinationNamedPort` in the standard CRD) and node
 * CIDRs as ingress sources (ingress peers are namespaces and pods only).
 */
import { NAMESPACE_ISOLATION } from '../catalog/namespace-isolation.js';
import { ENVIRONMENTS, type EnvironmentDefinition } from '../environments/environments.js';
import {
  CLUSTER_NETWORK_POLICY_API_VERSION,
  CLUSTER_NETWORK_POLICY_LIMITS,
  type ClusterNetworkPolicy,
  type ClusterNetworkPolicyEgressRule,
  type ClusterNetworkPolicyIngressRule,
  type ClusterNetworkPolicyPeer,
  type ClusterNetworkPolicyProtocol,
} from '../model/cluster-network-policy.js';
import { formatCidr, parseCidr, subtractCidrs } from '../model/kubernetes-names.js';
import { LabelSelector, NAMESPACE_NAME_LABEL, sortedRecord, type NetworkPolicyProtocol } from '../model/network-policy.js';
import { cidrOf } from '../options/guardrails.js';
import {
  NamespaceIsolationOptionsError,
  formatFieldPath,
  resolveNamespaceIsolationOptions,
  type NamespaceIsolationOptions,
  type OptionsIssue,
  type ResolvedNamespaceIsolationOptions,
} from '../options/namespace-isolation-options.js';
import { ANNOTATION_PREFIX, NAMESPACE_ISOLATION_LABELS } from './namespace-isolation.js';

/**
 * Priority of the Admin-tier environment guardrails. Lower numbers are evaluated first; 0-99 stay
 * free for a cluster admin's own, more urgent policies (an incident block, say).
 */
export const ADMIN_TIER_PRIORITY = 100;

/** Priority of the Baseline-tier namespace defaults. Each namespace has its own subject, so they never compete. */
export const BASELINE_TIER_PRIORITY = 100;

/** The environment an Admin-tier guardrail protects, and what it is walled off from. */
export interface AdminTierScope {
  /** Environment name, part of the guardrail's `metadata.name` (`dev`, `staging`, `prod`). */
  readonly environment: string;
  /** Every namespace of every other environment: no traffic to or from them, on any port. */
  readonly otherEnvironmentNamespaces: readonly string[];
}

/** `targetNamespaces` of an environment, with the default (`production`) when it leaves them out. */
function targetNamespacesOf(environment: EnvironmentDefinition): readonly string[] {
  return environment.values.targetNamespaces ?? resolveNamespaceIsolationOptions({}).targetNamespaces;
}

/**
 * The Admin-tier scope of one environment of an environments list (the built-in ones by
 * default): the namespaces of all the others, minus its own.
 *
 * @throws {Error} when `environments` has no environment called `name`.
 */
export function adminTierScope(name: string, environments: readonly EnvironmentDefinition[] = ENVIRONMENTS): AdminTierScope {
  const own = environments.find((environment) => environment.name === name);
  if (!own) throw new Error(`unknown environment "${name}": choose one of ${environments.map((e) => `"${e.name}"`).join(', ')}`);
  const ownNamespaces = new Set(targetNamespacesOf(own));
  const others = environments.filter((environment) => environment !== own).flatMap(targetNamespacesOf);
  return { environment: name, otherEnvironmentNamespaces: [...new Set(others)].filter((namespace) => !ownNamespaces.has(namespace)).sort() };
}

/** Without a scope: the built-in environment with these target namespaces, or one named after the first of them. */
function defaultScope(options: ResolvedNamespaceIsolationOptions): AdminTierScope {
  const key = [...options.targetNamespaces].sort().join(',');
  const builtIn = ENVIRONMENTS.find((environment) => [...targetNamespacesOf(environment)].sort().join(',') === key);
  if (builtIn) return adminTierScope(builtIn.name);
  const own = new Set(options.targetNamespaces);
  const others = ENVIRONMENTS.flatMap(targetNamespacesOf).filter((namespace) => !own.has(namespace));
  return { environment: options.targetNamespaces[0]!, otherEnvironmentNamespaces: [...new Set(others)].sort() };
}

function namespacesIn(names: readonly string[]): LabelSelector {
  return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...names] }] };
}

function metadataFor(name: string, description: string, tier: 'admin' | 'baseline'): ClusterNetworkPolicy['metadata'] {
  return {
    name,
    labels: sortedRecord(NAMESPACE_ISOLATION_LABELS),
    annotations: sortedRecord({
      [`${ANNOTATION_PREFIX}/template`]: `${NAMESPACE_ISOLATION.id}-${NAMESPACE_ISOLATION.slug}`,
      [`${ANNOTATION_PREFIX}/tier`]: tier,
      [`${ANNOTATION_PREFIX}/cis-benchmark`]: NAMESPACE_ISOLATION.cis.map((c) => c.id).join(','),
      [`${ANNOTATION_PREFIX}/mitre-attack`]: NAMESPACE_ISOLATION.mitre.map((m) => m.id).join(','),
      [`${ANNOTATION_PREFIX}/description`]: description,
    }),
  };
}

/** Collects what the standard channel cannot express, so every problem is reported at once. */
class Problems {
  readonly issues: OptionsIssue[] = [];
  add(path: readonly PropertyKey[], message: string): void {
    this.issues.push({ path: formatFieldPath(path), message });
  }
}

const PROTOCOL_KEYS: Readonly<Record<NetworkPolicyProtocol, 'tcp' | 'udp' | 'sctp'>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

type PortOption = ResolvedNamespaceIsolationOptions['allowMonitoring']['ports'][number];

function protocolsOf(ports: readonly PortOption[], path: readonly PropertyKey[], problems: Problems): ClusterNetworkPolicyProtocol[] {
  return ports.flatMap((entry, index) => {
    const key = PROTOCOL_KEYS[entry.protocol as NetworkPolicyProtocol];
    const port = entry.port as number | string | undefined;
    if (typeof port === 'string') {
      problems.add(
        [...path, index, 'port'],
        `"${port}" is a container port name, and ClusterNetworkPolicy v1beta1 (standard channel) matches port numbers only. ` +
          'Fix: give the port number, or render the networkpolicy target',
      );
      return [];
    }
    // No port: every port of the protocol. A range needs start < end, so 1-65535 says it.
    const destinationPort =
      port === undefined
        ? { range: { start: 1, end: 65535 } }
        : entry.endPort !== undefined && entry.endPort > port
          ? { range: { start: port, end: entry.endPort } }
          : { number: port };
    return [{ [key]: { destinationPort } } as ClusterNetworkPolicyProtocol];
  });
}

/** `networks` peers of a CIDR minus its exceptions, at most 25 CIDRs each. */
function networkPeers(cidr: string, except: readonly string[]): ClusterNetworkPolicyPeer[] {
  const networks = subtractCidrs(parseCidr(cidr)!, except.map((text) => parseCidr(text)!)).map(formatCidr);
  const peers: ClusterNetworkPolicyPeer[] = [];
  for (let start = 0; start < networks.length; start += CLUSTER_NETWORK_POLICY_LIMITS.networksPerPeer) {
    peers.push({ networks: networks.slice(start, start + CLUSTER_NETWORK_POLICY_LIMITS.networksPerPeer) });
  }
  return peers;
}

function withProtocols<Rule extends ClusterNetworkPolicyIngressRule | ClusterNetworkPolicyEgressRule>(rule: Rule, protocols: ClusterNetworkPolicyProtocol[]): Rule {
  return protocols.length > 0 ? { ...rule, protocols } : rule;
}

function dnsProtocols(): ClusterNetworkPolicyProtocol[] {
  return [{ udp: { destinationPort: { number: 53 } } }, { tcp: { destinationPort: { number: 53 } } }];
}

function podsIn(namespace: string, podSelector: ResolvedNamespaceIsolationOptions['allowMonitoring']['podSelector']): ClusterNetworkPolicyPeer {
  return { pods: { namespaceSelector: LabelSelector.namespaceNamed(namespace), podSelector: podSelector as LabelSelector } };
}

function baselineIngress(namespace: string, options: ResolvedNamespaceIsolationOptions, problems: Problems): ClusterNetworkPolicyIngressRule[] {
  const rules: ClusterNetworkPolicyIngressRule[] = [];
  if (options.allowSameNamespace.enabled) {
    rules.push({ name: 'layer-2-allow-same-namespace', action: 'Accept', from: [{ namespaces: LabelSelector.namespaceNamed(namespace) }] });
  }
  const controller = options.allowIngressController;
  if (controller.enabled) {
    if (controller.nodeCidrs.length > 0) {
      problems.add(
        ['allowIngressController', 'nodeCidrs'],
        'ClusterNetworkPolicy ingress sources are namespaces and pods only, so node CIDRs cannot be allowed in the Baseline tier. ' +
          'Fix: leave nodeCidrs empty for this target, or render the networkpolicy target',
      );
    }
    rules.push(
      withProtocols<ClusterNetworkPolicyIngressRule>(
        { name: 'layer-3-allow-ingress-controller', action: 'Accept' as const, from: [podsIn(controller.namespace, controller.podSelector)] },
        protocolsOf(controller.ports, ['allowIngressController', 'ports'], problems),
      ),
    );
  }
  const monitoring = options.allowMonitoring;
  if (monitoring.enabled) {
    rules.push(
      withProtocols<ClusterNetworkPolicyIngressRule>(
        { name: 'layer-4-allow-monitoring', action: 'Accept' as const, from: [podsIn(monitoring.namespace, monitoring.podSelector)] },
        protocolsOf(monitoring.ports, ['allowMonitoring', 'ports'], problems),
      ),
    );
  }
  // Any ingress layer isolates ingress in the NetworkPolicy set, so any of them brings the deny.
  if (options.defaultDenyIngress.enabled || rules.length > 0) {
    rules.push({ name: 'layer-1-deny-other-ingress', action: 'Deny', from: [{ namespaces: LabelSelector.all() }] });
  }
  return rules;
}

function baselineEgress(namespace: string, options: ResolvedNamespaceIsolationOptions, problems: Problems): ClusterNetworkPolicyEgressRule[] {
  const egress = options.denyEgressExceptDns;
  if (!egress.enabled) return [];
  const rules: ClusterNetworkPolicyEgressRule[] = [
    { name: 'layer-5-allow-dns', action: 'Accept', to: [podsIn(egress.dns.namespace, egress.dns.podSelector)], protocols: dnsProtocols() },
  ];
  if (egress.nodeLocalDns.enabled) {
    rules.push({ name: 'layer-5-allow-node-local-dns', action: 'Accept', to: [{ networks: [`${egress.nodeLocalDns.ip}/32`] }], protocols: dnsProtocols() });
  }
  if (egress.apiServer.enabled) {
    rules.push(
      withProtocols<ClusterNetworkPolicyEgressRule>(
        { name: 'layer-5-allow-api-server', action: 'Accept' as const, to: egress.apiServer.cidrs.flatMap((entry) => networkPeers(cidrOf(entry), [])) },
        protocolsOf(egress.apiServer.ports, ['denyEgressExceptDns', 'apiServer', 'ports'], problems),
      ),
    );
  }
  egress.allowedEgress.forEach((entry, index) => {
    const to = networkPeers(entry.cidr, entry.except);
    if (to.length > CLUSTER_NETWORK_POLICY_LIMITS.peersPerRule) {
      problems.add(
        ['denyEgressExceptDns', 'allowedEgress', index, 'except'],
        `${entry.cidr} minus its exceptions takes ${to.length * CLUSTER_NETWORK_POLICY_LIMITS.networksPerPeer}+ CIDRs, more than one rule holds. Fix: split the entry`,
      );
    }
    rules.push(withProtocols<ClusterNetworkPolicyEgressRule>({ name: `layer-5-allowed-egress-${index}`, action: 'Accept' as const, to }, protocolsOf(entry.ports, ['denyEgressExceptDns', 'allowedEgress', index, 'ports'], problems)));
  });
  if (options.allowSameNamespace.enabled) {
    rules.push({ name: 'layer-2-allow-same-namespace', action: 'Accept', to: [{ namespaces: LabelSelector.namespaceNamed(namespace) }] });
  }
  rules.push({ name: 'layer-5-deny-other-egress', action: 'Deny', to: [{ namespaces: LabelSelector.all() }, { networks: ['0.0.0.0/0', '::/0'] }] });
  if (rules.length > CLUSTER_NETWORK_POLICY_LIMITS.rulesPerDirection) {
    problems.add(
      ['denyEgressExceptDns', 'allowedEgress'],
      `the Baseline policy would need ${rules.length} egress rules, and a ClusterNetworkPolicy holds at most ${CLUSTER_NETWORK_POLICY_LIMITS.rulesPerDirection}. Fix: merge allowedEgress entries that share ports`,
    );
  }
  return rules;
}

/** The Admin-tier guardrail of one environment, or none when there is no other environment. */
function adminGuardrail(options: ResolvedNamespaceIsolationOptions, scope: AdminTierScope): ClusterNetworkPolicy[] {
  if (scope.otherEnvironmentNamespaces.length === 0) return [];
  const others = namespacesIn([...scope.otherEnvironmentNamespaces].sort());
  return [
    {
      apiVersion: CLUSTER_NETWORK_POLICY_API_VERSION,
      kind: 'ClusterNetworkPolicy',
      metadata: metadataFor(
        `k8s-security-environment-${scope.environment}`,
        `Environment ${scope.environment} never reaches, and is never reached by, another environment, on any port; namespace owners cannot override it.`,
        'admin',
      ),
      spec: {
        tier: 'Admin',
        priority: ADMIN_TIER_PRIORITY,
        subject: { namespaces: namespacesIn(options.targetNamespaces) },
        ingress: [{ name: 'deny-from-other-environments', action: 'Deny', from: [{ namespaces: others }] }],
        egress: [{ name: 'deny-to-other-environments', action: 'Deny', to: [{ namespaces: others }] }],
      },
    },
  ];
}

function baselinePolicy(namespace: string, options: ResolvedNamespaceIsolationOptions, problems: Problems): ClusterNetworkPolicy | undefined {
  const ingress = baselineIngress(namespace, options, problems);
  const egress = baselineEgress(namespace, options, problems);
  if (ingress.length === 0 && egress.length === 0) return undefined;
  return {
    apiVersion: CLUSTER_NETWORK_POLICY_API_VERSION,
    kind: 'ClusterNetworkPolicy',
    metadata: metadataFor(
      `k8s-security-baseline-${namespace}`,
      `Namespace ${namespace} by default: the allowances of the enabled layers, then deny; the namespace's own NetworkPolicies override it.`,
      'baseline',
    ),
    spec: {
      tier: 'Baseline',
      priority: BASELINE_TIER_PRIORITY,
      subject: { namespaces: LabelSelector.namespaceNamed(namespace) },
      ...(ingress.length > 0 ? { ingress } : {}),
      ...(egress.length > 0 ? { egress } : {}),
    },
  };
}

/**
 * Builds template #14 as ClusterNetworkPolicies: the Admin-tier guardrail of the environment,
 * then one Baseline-tier policy per target namespace.
 *
 * @param options - the same options as {@link namespaceIsolation}; `{}` gives the production set.
 * @param scope - which environment this is and what it is walled off from; by default the
 *   built-in environment with these target namespaces (see {@link adminTierScope}).
 * @throws {NamespaceIsolationOptionsError} when an option is invalid, or asks for something the
 *   v1beta1 standard channel cannot express (a named port, node CIDRs as ingress sources).
 * @example
 * ```ts
 * const policies = clusterNetworkPolicies({ targetNamespaces: ['dev'] }, adminTierScope('dev'));
 * ```
 */
export function clusterNetworkPolicies(options: NamespaceIsolationOptions = {}, scope?: AdminTierScope): ClusterNetworkPolicy[] {
  const resolved = resolveNamespaceIsolationOptions(options);
  const problems = new Problems();
  const baseline = resolved.targetNamespaces.flatMap((namespace) => baselinePolicy(namespace, resolved, problems) ?? []);
  if (problems.issues.length > 0) {
    // One report per field, however many namespaces share it.
    const unique = [...new Map(problems.issues.map((issue) => [`${issue.path}\u0000${issue.message}`, issue])).values()];
    throw new NamespaceIsolationOptionsError(unique);
  }
  return [...adminGuardrail(resolved, scope ?? defaultScope(resolved)), ...baseline];
}
