/**
 * Guardrails: values that pass every type and syntax check but would silently open what the
 * isolation closes, or silently break a service. Each is refused with the key and the fix, or
 * needs a per-entry opt-in whose name says what it opens (`opensBroadNetwork`, `opensEveryPort`).
 * The sentences and bounds are in guardrail-messages.ts, the opt-ins in opt-ins.ts.
 */
import { ENVIRONMENTS } from '../environments/environments.js';
import { parseCidr, type ParsedCidr } from '../model/kubernetes-names.js';
import { SYSTEM_NAMESPACES } from './system-namespaces.js';
import {
  BROADEST_IPV4_PREFIX,
  BROADEST_IPV6_PREFIX,
  DNS_SYSTEM_NAMESPACE,
  GUARDRAIL_MESSAGES,
  LINK_LOCAL_PREFIX,
  WIDEST_PORT_RANGE,
} from './guardrail-messages.js';
import type { BaseResolvedOptions, CidrEntry, PortEntry, SelectorOption } from './namespace-isolation-options.js';

/** One guardrail problem: a path into the options and its sentence. */
export interface GuardrailIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The CIDR text of an entry that is either a string or `{ cidr, opens... }`. */
export function cidrOf(entry: CidrEntry): string {
  return typeof entry === 'string' ? entry : entry.cidr;
}

function overlaps(a: ParsedCidr, b: ParsedCidr): boolean {
  if (a.family !== b.family) return false;
  const shorter = Math.min(a.prefixLength, b.prefixLength);
  const hostBits = BigInt((a.family === 4 ? 32 : 128) - shorter);
  return a.network >> hostBits === b.network >> hostBits;
}

/** Issues of one CIDR entry: too broad, or overlapping a cluster range that `except` does not remove. */
function cidrIssues(entry: CidrEntry, clusterCidrs: readonly string[], except: readonly string[], path: readonly (string | number)[]): GuardrailIssue[] {
  const text = cidrOf(entry);
  const parsed = parseCidr(text);
  if (!parsed) return [];
  const optIns: { readonly opensBroadNetwork?: boolean; readonly opensClusterNetwork?: boolean } = typeof entry === 'string' ? {} : entry;
  const issues: GuardrailIssue[] = [];
  const bound = parsed.family === 4 ? BROADEST_IPV4_PREFIX : BROADEST_IPV6_PREFIX;
  if (parsed.prefixLength < bound && !optIns.opensBroadNetwork) {
    issues.push({ path, message: GUARDRAIL_MESSAGES.broadCidr(text, `/${bound}`) });
  }
  if (!optIns.opensClusterNetwork) {
    const excepted = except.map(parseCidr).filter((e): e is ParsedCidr => e !== undefined);
    for (const cluster of clusterCidrs) {
      const range = parseCidr(cluster);
      if (!range || !overlaps(parsed, range)) continue;
      // `except` removes the cluster range only if one entry covers all of it.
      const removed = excepted.some((e) => e.family === range.family && e.prefixLength <= range.prefixLength && overlaps(e, range));
      if (!removed) issues.push({ path, message: GUARDRAIL_MESSAGES.clusterCidr(text, cluster) });
    }
  }
  return issues;
}

function portIssues(ports: readonly PortEntry[], path: readonly (string | number)[]): GuardrailIssue[] {
  const issues: GuardrailIssue[] = [];
  ports.forEach((entry, index) => {
    if (entry.port === undefined && !entry.opensEveryPort) issues.push({ path: [...path, index], message: GUARDRAIL_MESSAGES.everyPort() });
    if (typeof entry.port === 'number' && entry.endPort !== undefined && entry.endPort - entry.port + 1 > WIDEST_PORT_RANGE && !entry.opensWidePortRange) {
      issues.push({
        path: [...path, index, 'endPort'],
        message: GUARDRAIL_MESSAGES.widePortRange(String(entry.port), String(entry.endPort), String(WIDEST_PORT_RANGE)),
      });
    }
  });
  return issues;
}

/** A quoted number in a port field: `--set-string` turns 9090 into the port *name* "9090". */
export function quotedPortIssue(value: string): string | undefined {
  return /^[0-9]+$/.test(value) ? GUARDRAIL_MESSAGES.quotedPort(value) : undefined;
}

/** Whether a selector holds a positive requirement: a label, or an `In` / `Exists` expression. */
export function selectorNarrows(selector: SelectorOption): boolean {
  return (
    Object.keys(selector.matchLabels ?? {}).length > 0 ||
    (selector.matchExpressions ?? []).some((expression) => expression.operator === 'In' || expression.operator === 'Exists')
  );
}

/** Target namespaces of the built-in environments: peers may never be one of them. */
export const ENVIRONMENT_NAMESPACES: readonly string[] = [...new Set(ENVIRONMENTS.flatMap((environment) => environment.values.targetNamespaces ?? []))].sort();

/** The peers (ingress controller, monitoring, DNS) with their namespace and selector paths. */
function peersOf(options: BaseResolvedOptions) {
  return [
    { path: ['allowIngressController'], enabled: options.allowIngressController.enabled, peer: options.allowIngressController },
    { path: ['allowMonitoring'], enabled: options.allowMonitoring.enabled, peer: options.allowMonitoring },
    { path: ['denyEgressExceptDns', 'dns'], enabled: options.denyEgressExceptDns.enabled, peer: options.denyEgressExceptDns.dns },
  ] as const;
}

/**
 * Every guardrail problem of resolved options. `otherNamespaces` are namespaces of other
 * environments (the built-in ones, plus those of an environments config).
 */
export function guardrailIssues(options: BaseResolvedOptions, otherNamespaces: readonly string[] = ENVIRONMENT_NAMESPACES): GuardrailIssue[] {
  const issues: GuardrailIssue[] = [];
  const targets = new Set(options.targetNamespaces);
  const { allowIngressController: controller, allowMonitoring: monitoring, denyEgressExceptDns: egress } = options;
  const clusterCidrs = options.clusterCidrs;

  for (const { path, enabled, peer } of peersOf(options)) {
    if (!enabled) continue;
    if (!selectorNarrows(peer.podSelector)) issues.push({ path: [...path, 'podSelector'], message: GUARDRAIL_MESSAGES.selectorNotNarrow() });
    // A system namespace as a target has its own refusal and opt-in (isolateSystemNamespaces).
    if (SYSTEM_NAMESPACES.includes(peer.namespace)) continue;
    if (targets.has(peer.namespace)) issues.push({ path: [...path, 'namespace'], message: GUARDRAIL_MESSAGES.peerIsTarget(peer.namespace) });
    else if (otherNamespaces.includes(peer.namespace)) issues.push({ path: [...path, 'namespace'], message: GUARDRAIL_MESSAGES.peerIsEnvironment(peer.namespace) });
  }
  if (egress.enabled && egress.dns.namespace !== DNS_SYSTEM_NAMESPACE && !egress.dns.opensCustomNamespace && !targets.has(egress.dns.namespace) && !otherNamespaces.includes(egress.dns.namespace)) {
    issues.push({ path: ['denyEgressExceptDns', 'dns', 'namespace'], message: GUARDRAIL_MESSAGES.customDnsNamespace(egress.dns.namespace) });
  }
  if (egress.enabled && egress.nodeLocalDns.enabled && !egress.nodeLocalDns.ip.startsWith(LINK_LOCAL_PREFIX) && !egress.nodeLocalDns.opensNonLinkLocalIp) {
    issues.push({ path: ['denyEgressExceptDns', 'nodeLocalDns', 'ip'], message: GUARDRAIL_MESSAGES.nonLinkLocalDns(egress.nodeLocalDns.ip) });
  }

  if (controller.enabled) {
    controller.nodeCidrs.forEach((entry, index) => issues.push(...cidrIssues(entry, clusterCidrs, [], ['allowIngressController', 'nodeCidrs', index])));
    if (controller.ports.length === 0 && !controller.opensEveryPort) {
      issues.push({ path: ['allowIngressController', 'ports'], message: GUARDRAIL_MESSAGES.controllerEveryPort() });
    }
    issues.push(...portIssues(controller.ports, ['allowIngressController', 'ports']));
  }
  if (monitoring.enabled) issues.push(...portIssues(monitoring.ports, ['allowMonitoring', 'ports']));
  if (egress.enabled && egress.apiServer.enabled) {
    egress.apiServer.cidrs.forEach((entry, index) => issues.push(...cidrIssues(entry, clusterCidrs, [], ['denyEgressExceptDns', 'apiServer', 'cidrs', index])));
    issues.push(...portIssues(egress.apiServer.ports, ['denyEgressExceptDns', 'apiServer', 'ports']));
  }
  if (egress.enabled) egress.allowedEgress.forEach((entry, index) => {
    const path = ['denyEgressExceptDns', 'allowedEgress', index];
    issues.push(...cidrIssues(entry, clusterCidrs, entry.except, [...path, 'cidr']));
    issues.push(...portIssues(entry.ports, [...path, 'ports']));
  });

  const anyLayer = [options.defaultDenyIngress, options.allowSameNamespace, controller, monitoring, egress].some((layer) => layer.enabled);
  if (!anyLayer && !options.acknowledgeNoIsolation) issues.push({ path: [], message: GUARDRAIL_MESSAGES.noLayer() });
  return issues;
}
