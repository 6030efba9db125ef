/**
 * Guardrails: values that pass every type and syntax check but would silently open what the
 * isolation closes, or silently break a service. Each is refused with the key and the fix, or
 * needs a per-entry opt-in whose name says what it opens (`opensBroadNetwork`, `opensEveryPort`).
 *
 * The messages are the one source: the options schema reports them, and the chart's
 * `_guardrails.tpl` is generated from them (every argument becomes a `%s` of Go's printf), so
 * Helm, `generate` and the TypeScript API refuse a value with the same sentence.
 */
import { ENVIRONMENTS } from '../environments/environments.js';
import { parseCidr, type ParsedCidr } from '../model/kubernetes-names.js';
import { SYSTEM_NAMESPACES } from './system-namespaces.js';
import type { BaseResolvedOptions, CidrEntry, PortEntry, SelectorOption } from './namespace-isolation-options.js';

/** Broadest IPv4 prefix accepted without `opensBroadNetwork`: a /16 is one VPC or node network. */
export const BROADEST_IPV4_PREFIX = 16;
/** Broadest IPv6 prefix accepted without `opensBroadNetwork`: a /48 is one site. */
export const BROADEST_IPV6_PREFIX = 48;
/** Widest port range (endPort - port + 1) accepted without `opensWidePortRange`. */
export const WIDEST_PORT_RANGE = 1024;
/** The only DNS namespace accepted without `dns.opensCustomNamespace`. */
export const DNS_SYSTEM_NAMESPACE = 'kube-system';
/** NodeLocal DNSCache addresses outside this link-local prefix need `nodeLocalDns.opensNonLinkLocalIp`. */
export const LINK_LOCAL_PREFIX = '169.254.';

/** Every guardrail sentence, with its variable parts as arguments (all strings, for Go's printf). */
export const GUARDRAIL_MESSAGES = {
  systemNamespace: (namespace: string) =>
    `"${namespace}" is a system namespace; isolating it can cut the cluster's own components off. ` +
    'Fix: remove it, or set isolateSystemNamespaces: true once you have tested the policies there',
  exceptOutside: (except: string, cidr: string) => `"${except}" is not inside ${cidr}. Fix: list only strict sub-ranges of cidr in except`,
  broadCidr: (cidr: string, bound: string) =>
    `"${cidr}" is broader than ${bound}, so it opens far more than one network (at /0, every address including every pod). ` +
    'Fix: list the narrower networks you need, or add opensBroadNetwork: true to this entry if that is intended',
  clusterCidr: (cidr: string, cluster: string) =>
    `"${cidr}" overlaps the cluster range ${cluster} from clusterCidrs, and ipBlocks match pod and service IPs, so it opens every pod there. ` +
    `Fix: list "${cluster}" in except, narrow the CIDR, or add opensClusterNetwork: true to this entry if that is intended`,
  everyPort: () =>
    'this port entry has no port, so it opens every port of the protocol. Fix: set port, or add opensEveryPort: true to this entry if that is intended',
  widePortRange: (port: string, endPort: string, bound: string) =>
    `the range ${port}-${endPort} is wider than ${bound} ports. Fix: narrow it, or add opensWidePortRange: true to this entry if that is intended`,
  quotedPort: (value: string) =>
    `port "${value}" is a quoted number, which Kubernetes reads as a port name. Fix: write it as a number (with --set, not --set-string)`,
  selectorNotNarrow: () =>
    'the pod selector has only negative requirements (NotIn, DoesNotExist), so it matches almost every pod of the namespace. ' +
    'Fix: add matchLabels, or a matchExpressions entry with operator In or Exists',
  peerIsTarget: (namespace: string) =>
    `"${namespace}" is also a target namespace; its own isolation would cut this service off. Fix: name the namespace the service really runs in`,
  peerIsEnvironment: (namespace: string) =>
    `"${namespace}" is the namespace of another environment, which would open it to this one. Fix: name the namespace the service really runs in`,
  customDnsNamespace: (namespace: string) =>
    `"${namespace}" is not ${DNS_SYSTEM_NAMESPACE}, where cluster DNS runs (a typo here breaks DNS). ` +
    'Fix: use kube-system, or set denyEgressExceptDns.dns.opensCustomNamespace: true if your DNS runs there',
  nonLinkLocalDns: (ip: string) =>
    `"${ip}" is outside 169.254.0.0/16, where NodeLocal DNSCache listens, so it opens DNS to another server. ` +
    'Fix: use the cache address (e.g. 169.254.20.10), or set denyEgressExceptDns.nodeLocalDns.opensNonLinkLocalIp: true',
  noLayer: () =>
    'every layer is off, so nothing is isolated. Fix: enable at least one layer, or set acknowledgeNoIsolation: true if you really want no policies',
} as const;

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

/** Opt-ins that accept a whole class of risk rather than one entry; listed first. */
export const GLOBAL_OPT_INS = ['acknowledgeNoIsolation', 'isolateSystemNamespaces'] as const;

/**
 * Every opt-in in use, as option paths (`denyEgressExceptDns.allowedEgress[0].opensBroadNetwork`):
 * the global ones, then every `opens*` flag set to true, walking maps in key order as Helm's
 * `range` does, so NOTES.txt, the policies' opt-ins annotation, lint and audit list the same.
 */
export function optInsInUse(options: BaseResolvedOptions): string[] {
  const found: string[] = GLOBAL_OPT_INS.filter((key) => options[key] === true);
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${path}[${index}]`));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      const childPath = path === '' ? key : `${path}.${key}`;
      if (key.startsWith('opens') && child === true) found.push(childPath);
      else walk(child, childPath);
    }
  };
  walk(options, '');
  return found;
}

/** What each opt-in opens, by its last key: for lint (NP012) and the docs. */
export const OPT_IN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  acknowledgeNoIsolation: 'every layer is off, so nothing is isolated',
  isolateSystemNamespaces: 'a system namespace is isolated, which can cut DNS, the CNI or the control plane off',
  opensBroadNetwork: `a CIDR broader than /${BROADEST_IPV4_PREFIX} (IPv4) or /${BROADEST_IPV6_PREFIX} (IPv6) is allowed, up to every address`,
  opensClusterNetwork: 'a CIDR that overlaps the pod or service ranges (clusterCidrs) is allowed, so pods there are reachable by IP',
  opensEveryPort: 'a port entry without port allows every port of its protocol',
  opensWidePortRange: `a port range wider than ${WIDEST_PORT_RANGE} ports is allowed`,
  opensCustomNamespace: `DNS egress goes to a namespace other than ${DNS_SYSTEM_NAMESPACE}`,
  opensNonLinkLocalIp: 'DNS egress goes to a NodeLocal DNSCache address outside 169.254.0.0/16',
};

/** What the opt-in at `path` (`denyEgressExceptDns.allowedEgress[0].opensBroadNetwork`) opens. */
export function describeOptIn(path: string): string {
  const key = path.slice(path.lastIndexOf('.') + 1);
  return OPT_IN_DESCRIPTIONS[key] ?? 'it opens more than the default set';
}

/** One guardrail as the docs list it: what is refused, the bound chosen, why, and its opt-in. */
export interface GuardrailRule {
  readonly rule: string;
  readonly bound: string;
  readonly why: string;
  readonly optIn: string;
}

/** The guardrails with their bounds, for the chart README (the closing note of the guardrails issue). */
export const GUARDRAIL_RULES: readonly GuardrailRule[] = [
  {
    rule: 'Broad CIDRs (`nodeCidrs`, `apiServer.cidrs`, `allowedEgress`)',
    bound: `IPv4 broader than /${BROADEST_IPV4_PREFIX}, IPv6 broader than /${BROADEST_IPV6_PREFIX}`,
    why: 'A /16 is one VPC or node network and a /48 one IPv6 site; anything broader spans networks no single rule needs, and at /0 every pod (ipBlocks match pod IPs in most CNIs).',
    optIn: 'per entry: `opensBroadNetwork: true` (list entries may be `{cidr, opensBroadNetwork}`)',
  },
  {
    rule: 'CIDRs over the cluster ranges (`clusterCidrs`, pod and service CIDRs)',
    bound: 'any overlap that no single `except` entry removes',
    why: 'Node CIDRs equal to the pod CIDR, or egress over the pod network, open every pod of every namespace. Only checked when `clusterCidrs` is set.',
    optIn: 'per entry: `opensClusterNetwork: true`',
  },
  {
    rule: 'A port entry without `port`',
    bound: 'always',
    why: 'It means every port of the protocol and slipped past the "at least one port" checks.',
    optIn: 'per entry: `opensEveryPort: true`',
  },
  {
    rule: 'Wide port ranges (`endPort`)',
    bound: `more than ${WIDEST_PORT_RANGE} ports`,
    why: 'The privileged range is 1024 ports; a service needing more is rare, and 1-65535 is every port.',
    optIn: 'per entry: `opensWidePortRange: true`',
  },
  {
    rule: 'Peer selectors that do not narrow (ingress controller, Prometheus, DNS)',
    bound: 'no matchLabels and no `In`/`Exists` expression',
    why: '`NotIn` and `DoesNotExist` alone match almost every pod of the namespace.',
    optIn: 'none: add a positive requirement',
  },
  {
    rule: 'Peer namespaces in a target or another environment',
    bound: 'the target namespaces, and every environment namespace (built-in, and those of a `generate` config)',
    why: 'A peer in a target is cut off by its own isolation; a peer in another environment opens that environment.',
    optIn: 'none',
  },
  {
    rule: 'Unusual DNS',
    bound: `a DNS namespace other than ${DNS_SYSTEM_NAMESPACE}; a NodeLocal DNSCache ip outside 169.254.0.0/16`,
    why: 'A typo (`kube-sytem`) silently breaks DNS; a public resolver as the cache address opens DNS tunnelling.',
    optIn: '`dns.opensCustomNamespace: true`, `nodeLocalDns.opensNonLinkLocalIp: true`',
  },
  {
    rule: 'Syntax Helm used to accept',
    bound: 'malformed IPv6, host bits, `except` outside `cidr`, quoted numeric ports, non-IANA port names',
    why: 'The analyzer and the API server refuse them later; the chart now refuses them up front (IPv6 host bits and IPv6 `except`/cluster overlap are checked by the core and `generate` only).',
    optIn: 'none',
  },
  {
    rule: 'System namespaces as targets',
    bound: SYSTEM_NAMESPACES.join(', '),
    why: 'Isolating them can cut DNS, the CNI or the control plane off.',
    optIn: '`isolateSystemNamespaces: true`',
  },
  {
    rule: 'Every layer off',
    bound: 'all five `enabled: false`',
    why: 'Nothing is isolated; NOTES says so and `helm test` fails on purpose.',
    optIn: '`acknowledgeNoIsolation: true`',
  },
];
