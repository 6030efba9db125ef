/**
 * The namespace audit: does each namespace really have default-deny semantics (CIS 5.3.2 as
 * the benchmark means it, not "a policy exists"), working intra-namespace traffic, DNS bound to
 * the DNS pods, and who else can reach it? Every verdict comes from the reachability evaluator,
 * asked about synthetic probe pods with fresh labels, so an allow-all policy never passes.
 */
import { AnalyzerInputError } from '../analyzer/analyzer-input-error.js';
import { clusterModelFromObjects, externalEndpoint, type ClusterEndpoint, type ClusterModel } from '../analyzer/cluster-model.js';
import { evaluateConnection, iterateReachability, type SideExplanation, type Verdict } from '../analyzer/reachability.js';
import { controlTagsForCheck } from '../compliance/frameworks.js';
import type { LintSeverity } from '../lint/lint-types.js';
import {
  NAMESPACE_NAME_LABEL,
  type LabelSelector,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyProtocol,
} from '../model/network-policy.js';
import { describeOptIn } from '../options/opt-ins.js';
import { SYSTEM_NAMESPACES } from '../options/namespace-isolation-options.js';
import { OPT_INS_ANNOTATION } from '../templates/namespace-isolation.js';

/** One audit check, as documented in the report and mapped to the catalog's controls. */
export interface AuditCheck {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
  readonly severity: LintSeverity;
  /** Every framework control the check decides: `PCI-DSS 1.3.1`, `CIS 5.3.2`, `MITRE T1021`, ... */
  readonly controls: readonly string[];
}

/** The checks, in report order. */
export const AUDIT_CHECKS = {
  defaultDenyIngress: {
    id: 'AUD001',
    name: 'default-deny-ingress',
    summary: 'A new pod with fresh labels is isolated for ingress and unreachable from other namespaces and outside the cluster.',
    severity: 'error',
    controls: controlTagsForCheck('AUD001'),
  },
  defaultDenyEgress: {
    id: 'AUD002',
    name: 'default-deny-egress',
    summary: 'A new pod with fresh labels is isolated for egress and cannot open connections to other namespaces or outside the cluster.',
    severity: 'warning',
    controls: controlTagsForCheck('AUD002'),
  },
  intraNamespace: {
    id: 'AUD003',
    name: 'intra-namespace-traffic',
    summary: 'Two pods of the namespace can connect to each other in both directions (the isolation does not break the namespace itself).',
    severity: 'warning',
    controls: controlTagsForCheck('AUD003'),
  },
  dnsEgress: {
    id: 'AUD004',
    name: 'dns-bound-to-dns-pods',
    summary: 'Pods reach the cluster DNS pods on UDP and TCP 53, and port 53 nowhere else.',
    severity: 'warning',
    controls: controlTagsForCheck('AUD004'),
  },
  crossNamespaceReach: {
    id: 'AUD005',
    name: 'cross-namespace-reach',
    summary: 'No arbitrary pod of another namespace, and no outside address, can reach the namespace; lists the specific pods that can.',
    severity: 'warning',
    controls: controlTagsForCheck('AUD005'),
  },
  optInsInUse: {
    id: 'AUD006',
    name: 'opt-ins-in-use',
    summary: 'No policy of the namespace was rendered with a template #14 opt-in that opens more than the guarded default (k8s-security-pro.io/opt-ins).',
    severity: 'note',
    controls: controlTagsForCheck('AUD006'),
  },
} as const satisfies Record<string, AuditCheck>;

/** The audit checks in report order (AUD001 first). */
export const AUDIT_CHECK_LIST: readonly AuditCheck[] = Object.values(AUDIT_CHECKS);

/** The note on CIS 5.3.1 every audit carries: verdicts assume an enforcing CNI. */
export const CNI_ENFORCEMENT_NOTE =
  'CIS 5.3.1: these verdicts hold only if the CNI enforces NetworkPolicy. A CNI that does not (flannel alone, for example) accepts every policy and enforces none: check yours.';

/** The verdict of one check for one namespace, with the policies behind it. */
export interface AuditCheckResult {
  readonly checkId: string;
  readonly passed: boolean;
  readonly severity: LintSeverity;
  readonly message: string;
  /** Policies behind the verdict, `namespace/name`, sorted. */
  readonly policies: readonly string[];
}

/** Every check of one namespace. */
export interface NamespaceAudit {
  readonly namespace: string;
  readonly checks: readonly AuditCheckResult[];
}

/** Which namespaces {@link auditNamespaces} checks. */
export interface AuditOptions {
  /** Audit these even when they are system namespaces or absent from the input. */
  readonly include?: readonly string[];
  /** Leave these out. */
  readonly exclude?: readonly string[];
  /** Namespace of the cluster DNS pods. @default 'kube-system' */
  readonly dnsNamespace?: string;
  /** Values of the `k8s-app` label that mark DNS pods. @default ['kube-dns', 'coredns'] */
  readonly dnsAppLabels?: readonly string[];
}

/** What {@link auditNamespaces} returns: the audited namespaces and why others were left out. */
export interface AuditResult {
  readonly namespaces: readonly NamespaceAudit[];
  /** Namespaces left out, with the reason. */
  readonly skipped: readonly { readonly namespace: string; readonly reason: string }[];
  /** Assumptions and skipped input, one sentence each. */
  readonly notes: readonly string[];
}

/** Labels no selector in a real cluster would target: what "a new pod" looks like. */
const FRESH_LABELS = { 'audit.k8s-security-pro.io/probe': 'fresh' };
const PROBE = 'k8s-security-audit-probe';
const PEER = 'k8s-security-audit-peer';
const DNS_PROBE = 'k8s-security-audit-dns';
/** A namespace no policy names: stands for "any other namespace". */
export const ELSEWHERE_NAMESPACE = 'k8s-security-audit-elsewhere';
/** TEST-NET-3 (RFC 5737): an address outside any cluster. */
const OUTSIDE_IP = '203.0.113.53';
/** An unremarkable high port: default deny must hold on ports no rule mentions. */
const ARBITRARY_PORT = 47123;

function probe(namespace: string, name: string, ports: ClusterEndpoint['ports'] = [{ port: ARBITRARY_PORT, protocol: 'TCP' }]): ClusterEndpoint {
  return { id: `${namespace}/${name}`, kind: 'Pod', namespace, name, labels: FRESH_LABELS, ports };
}

function policiesOf(side: SideExplanation): string[] {
  if (side.state === 'allowed') return side.allowedBy.map((ref) => ref.policy);
  if (side.state === 'denied') return [...side.isolatedBy];
  return [];
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function describeSide(side: SideExplanation, direction: 'ingress' | 'egress'): string {
  switch (side.state) {
    case 'not-isolated':
      return `not isolated for ${direction} (no policy selects a new pod)`;
    case 'allowed':
      return `allowed by ${sorted(side.allowedBy.map((ref) => `${ref.policy} ${direction}[${ref.rule}]`)).join(', ')}`;
    case 'denied':
      return `denied (isolated by ${sorted(side.isolatedBy).join(', ')})`;
  }
}

/** Ports named in the ingress rules of a namespace's policies: where selective access usually is. */
function ingressPortsOf(model: ClusterModel, namespace: string): ClusterEndpoint['ports'] {
  const ports = new Map<string, ClusterEndpoint['ports'][number]>([[`${ARBITRARY_PORT}/TCP`, { port: ARBITRARY_PORT, protocol: 'TCP' }]]);
  let nextNamedPort = 40000;
  for (const policy of model.policies) {
    if (policy.metadata.namespace !== namespace) continue;
    for (const rule of policy.spec.ingress ?? []) {
      for (const entry of rule.ports ?? []) {
        const protocol: NetworkPolicyProtocol = entry.protocol ?? 'TCP';
        if (typeof entry.port === 'number') ports.set(`${entry.port}/${protocol}`, { port: entry.port, protocol });
        else if (typeof entry.port === 'string' && !ports.has(`${entry.port}/${protocol}`)) {
          ports.set(`${entry.port}/${protocol}`, { port: nextNamedPort++, protocol, name: entry.port });
        }
      }
    }
  }
  return [...ports.values()];
}

/** Namespaces that policies name by `kubernetes.io/metadata.name`, so probes can stand in them. */
function namespacesNamedBySelectors(model: ClusterModel): string[] {
  const names: string[] = [];
  for (const policy of model.policies) {
    for (const rule of [...(policy.spec.ingress ?? []), ...(policy.spec.egress ?? [])]) {
      const peers = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
      for (const peer of peers ?? []) {
        const name = peer.namespaceSelector?.matchLabels?.[NAMESPACE_NAME_LABEL];
        if (typeof name === 'string') names.push(name);
      }
    }
  }
  return names;
}

interface ProbeModel {
  readonly model: ClusterModel;
  /** The probe model with one endpoint per set of alike pods, for the all-sources scan of AUD005. */
  readonly reachModel: ClusterModel;
  /** How many pods each endpoint of `reachModel` stands for. */
  readonly alike: ReadonlyMap<string, number>;
  /** AUD005's findings per audited namespace. */
  readonly reach: ReadonlyMap<string, NamespaceReach>;
  readonly endpointsById: ReadonlyMap<string, ClusterEndpoint>;
  readonly dnsPod: string;
  readonly outsideId: string;
  readonly notes: string[];
}

/**
 * The part of the probe model that decides AUD001-AUD004 for `namespace`: a verdict depends only
 * on the two endpoints and the policies of their namespaces, so the rest of the cluster is left
 * out and each evaluation stays cheap however large the cluster is.
 */
function checkModelFor(probes: ProbeModel, namespace: string): ClusterModel {
  const ids = [`${namespace}/${PROBE}`, `${namespace}/${PEER}`, `${ELSEWHERE_NAMESPACE}/${PROBE}`, probes.outsideId, probes.dnsPod];
  const endpoints = ids.map((id) => probes.endpointsById.get(id)!);
  const namespaces = new Set(endpoints.map((endpoint) => endpoint.namespace));
  return {
    namespaces: probes.model.namespaces,
    endpoints,
    policies: probes.model.policies.filter((policy) => namespaces.has(policy.metadata.namespace)),
  };
}

/** The cluster plus probes: two fresh pods per audited namespace, one per other namespace, DNS if absent, one outside address. */
function withProbes(model: ClusterModel, audited: readonly string[], options: AuditOptions): Omit<ProbeModel, 'reach'> {
  const notes: string[] = [];
  const dnsNamespace = options.dnsNamespace ?? 'kube-system';
  const dnsApps = options.dnsAppLabels ?? ['kube-dns', 'coredns'];
  const realDns = model.endpoints.find((e) => e.namespace === dnsNamespace && dnsApps.includes(e.labels['k8s-app'] ?? ''));
  const endpoints = [...model.endpoints];
  const namespaceLabels = new Map(model.namespaces.map((ns) => [ns.name, ns.labels]));
  const addNamespace = (name: string) => {
    if (!namespaceLabels.has(name)) namespaceLabels.set(name, { [NAMESPACE_NAME_LABEL]: name });
  };

  let dnsPod = realDns?.id;
  if (!dnsPod) {
    const dns: ClusterEndpoint = {
      id: `${dnsNamespace}/${DNS_PROBE}`,
      kind: 'Pod',
      namespace: dnsNamespace,
      name: DNS_PROBE,
      labels: { 'k8s-app': dnsApps[0] ?? 'kube-dns' },
      ports: [
        { port: 53, protocol: 'UDP', name: 'dns' },
        { port: 53, protocol: 'TCP', name: 'dns-tcp' },
      ],
    };
    endpoints.push(dns);
    addNamespace(dnsNamespace);
    dnsPod = dns.id;
    notes.push(`the input has no DNS pods: assumed pods labelled k8s-app=${dns.labels['k8s-app']} in ${dnsNamespace}, listening on UDP and TCP 53`);
  }
  const others = sorted([...namespaceLabels.keys(), ...namespacesNamedBySelectors(model), ELSEWHERE_NAMESPACE]);
  for (const namespace of others) {
    addNamespace(namespace);
    if (!audited.includes(namespace)) endpoints.push(probe(namespace, PROBE));
  }
  for (const namespace of audited) {
    addNamespace(namespace);
    endpoints.push(probe(namespace, PROBE, ingressPortsOf(model, namespace)), probe(namespace, PEER));
  }
  const outside = externalEndpoint(OUTSIDE_IP, [
    { port: ARBITRARY_PORT, protocol: 'TCP' },
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ]);
  endpoints.push(outside);
  const ids = new Set<string>();
  for (const endpoint of endpoints) {
    if (ids.has(endpoint.id)) throw new AnalyzerInputError(`endpoint ${endpoint.id}`, 'metadata.name', 'the name is reserved for the audit probes: rename the object');
    ids.add(endpoint.id);
  }
  const namespaces = [...namespaceLabels].map(([name, labels]) => ({ name, labels }));
  const { representatives, alike } = alikeEndpoints(model, new Set(endpoints.slice(model.endpoints.length).map((e) => e.id)), endpoints);
  return {
    model: { namespaces, endpoints, policies: model.policies },
    reachModel: { namespaces, endpoints: representatives, policies: model.policies },
    alike,
    endpointsById: new Map(endpoints.map((endpoint) => [endpoint.id, endpoint])),
    dnsPod,
    outsideId: outside.id,
    notes,
  };
}

/** Label keys that some pod selector reads: other labels cannot change a verdict. */
function podLabelKeysInUse(model: ClusterModel): Set<string> {
  const keys = new Set<string>();
  const addKeys = (selector: LabelSelector | undefined) => {
    for (const key of Object.keys(selector?.matchLabels ?? {})) keys.add(key);
    for (const expression of selector?.matchExpressions ?? []) keys.add(expression.key);
  };
  for (const policy of model.policies) {
    addKeys(policy.spec.podSelector);
    for (const peer of peersOf(policy)) addKeys(peer.podSelector);
  }
  return keys;
}

function peersOf(policy: NetworkPolicy): NetworkPolicyPeer[] {
  return [...(policy.spec.ingress ?? []).flatMap((rule) => rule.from ?? []), ...(policy.spec.egress ?? []).flatMap((rule) => rule.to ?? [])];
}

/**
 * Pods of one namespace that agree on the labels selectors read and on their ports are judged
 * alike by every policy, so one stands for all. IPs tell them apart only when some policy has an ipBlock.
 */
function alikeEndpoints(model: ClusterModel, synthetic: ReadonlySet<string>, endpoints: readonly ClusterEndpoint[]) {
  const ipsMatter = model.policies.some((policy) => peersOf(policy).some((peer) => peer.ipBlock !== undefined));
  const keysInUse = podLabelKeysInUse(model);
  const byKey = new Map<string, string>();
  const alike = new Map<string, number>();
  const representatives: ClusterEndpoint[] = [];
  for (const endpoint of endpoints) {
    if (synthetic.has(endpoint.id) || endpoint.kind === 'External') {
      representatives.push(endpoint);
      continue;
    }
    const labelsRead = Object.entries(endpoint.labels)
      .filter(([labelKey]) => keysInUse.has(labelKey))
      .sort();
    const key = JSON.stringify([endpoint.namespace, labelsRead, endpoint.ports, ipsMatter ? (endpoint.ip ?? '') : '']);
    const representative = byKey.get(key);
    if (representative === undefined) {
      byKey.set(key, endpoint.id);
      alike.set(endpoint.id, 1);
      representatives.push(endpoint);
    } else alike.set(representative, alike.get(representative)! + 1);
  }
  return { representatives, alike };
}

interface NamespaceReach {
  /** Who reaches the namespace, with the ports: `monitoring/prometheus-0`, `any pod in dev`, ... */
  readonly reachers: Map<string, Set<string>>;
  /** The reachers that stand for "any pod" of a namespace, or an outside address. */
  readonly openTo: Set<string>;
  /** Policies whose ingress rules let them in. */
  readonly policies: Set<string>;
}

/**
 * One pass of the evaluator over the alike-pod model: for each audited namespace, who in another
 * namespace (or outside) can open a connection to one of its pods. One scan, not one per
 * destination, so the policies are compiled once.
 */
function scanCrossNamespaceReach(probes: Omit<ProbeModel, 'reach'>, audited: ReadonlySet<string>): Map<string, NamespaceReach> {
  const reach = new Map<string, NamespaceReach>();
  for (const connection of iterateReachability(probes.reachModel)) {
    if (!connection.allowed) continue;
    const destination = probes.endpointsById.get(connection.to)!;
    const source = probes.endpointsById.get(connection.from)!;
    const namespace = destination.namespace;
    if (namespace === undefined || !audited.has(namespace) || source.namespace === namespace || destination.name === PEER) continue;
    if (source.name === DNS_PROBE) continue;
    const synthetic = source.kind === 'External' || source.name === PROBE || source.name === PEER;
    const others = (probes.alike.get(source.id) ?? 1) - 1;
    const who =
      source.kind === 'External'
        ? `outside the cluster (${source.id})`
        : synthetic
          ? `any pod in ${source.namespace}`
          : `${source.id}${others > 0 ? ` and ${others} like it` : ''}`;
    let entry = reach.get(namespace);
    if (!entry) reach.set(namespace, (entry = { reachers: new Map(), openTo: new Set(), policies: new Set() }));
    if (synthetic) entry.openTo.add(who);
    const ports = entry.reachers.get(who) ?? new Set<string>();
    ports.add(`${connection.protocol} ${connection.port}`);
    entry.reachers.set(who, ports);
    const ingress = connection.explanation?.ingress;
    for (const ref of ingress?.state === 'allowed' ? ingress.allowedBy : []) entry.policies.add(ref.policy);
  }
  return reach;
}

function check(checkInfo: AuditCheck, passed: boolean, message: string, policies: Iterable<string>): AuditCheckResult {
  return { checkId: checkInfo.id, passed, severity: checkInfo.severity, message, policies: sorted(policies) };
}

function auditNamespace(probes: ProbeModel, namespace: string): NamespaceAudit {
  const { outsideId, dnsPod } = probes;
  const target = `${namespace}/${PROBE}`;
  const peer = `${namespace}/${PEER}`;
  const elsewhere = `${ELSEWHERE_NAMESPACE}/${PROBE}`;
  const checkModel = checkModelFor(probes, namespace);
  const judge = (from: string, to: string, port: number, protocol: NetworkPolicyProtocol): Verdict => evaluateConnection(checkModel, from, to, port, protocol);

  // AUD001: ingress to a new pod, from a new pod elsewhere and from outside.
  const ingressFromPod = judge(elsewhere, target, ARBITRARY_PORT, 'TCP').explanation.ingress;
  const ingressFromOutside = judge(outsideId, target, ARBITRARY_PORT, 'TCP').explanation.ingress;
  const ingressDenied = ingressFromPod.state === 'denied' && ingressFromOutside.state === 'denied';
  const defaultDenyIngress = check(
    AUDIT_CHECKS.defaultDenyIngress,
    ingressDenied,
    ingressDenied
      ? `default deny ingress holds: a new pod is ${describeSide(ingressFromPod, 'ingress')} for traffic from other namespaces and outside the cluster.`
      : `no default deny for ingress: from a pod of another namespace, TCP ${ARBITRARY_PORT} to a new pod is ${describeSide(ingressFromPod, 'ingress')}; ` +
          `from ${OUTSIDE_IP} it is ${describeSide(ingressFromOutside, 'ingress')}. Fix: add a policy with podSelector {} and policyTypes [Ingress], and no rule that allows every source.`,
    [...policiesOf(ingressFromPod), ...policiesOf(ingressFromOutside)],
  );

  // AUD002: egress from a new pod, to a new pod elsewhere and to outside.
  const egressToPod = judge(target, elsewhere, ARBITRARY_PORT, 'TCP').explanation.egress;
  const egressToOutside = judge(target, outsideId, ARBITRARY_PORT, 'TCP').explanation.egress;
  const egressDenied = egressToPod.state === 'denied' && egressToOutside.state === 'denied';
  const defaultDenyEgress = check(
    AUDIT_CHECKS.defaultDenyEgress,
    egressDenied,
    egressDenied
      ? `default deny egress holds: a new pod's connections to other namespaces and outside are ${describeSide(egressToPod, 'egress')}.`
      : `no default deny for egress: a new pod's TCP ${ARBITRARY_PORT} to another namespace is ${describeSide(egressToPod, 'egress')}; ` +
          `to ${OUTSIDE_IP} it is ${describeSide(egressToOutside, 'egress')}. Fix: add a policy with podSelector {} and policyTypes [Egress] that allows only what pods need (DNS first).`,
    [...policiesOf(egressToPod), ...policiesOf(egressToOutside)],
  );

  // AUD003: two new pods of the namespace, both directions.
  const forth = judge(target, peer, ARBITRARY_PORT, 'TCP');
  const back = judge(peer, target, ARBITRARY_PORT, 'TCP');
  const intraWorks = forth.allowed && back.allowed;
  const blocked = [forth, back].find((verdict) => !verdict.allowed)?.explanation;
  const intraNamespace = check(
    AUDIT_CHECKS.intraNamespace,
    intraWorks,
    intraWorks
      ? `pods of ${namespace} reach each other both ways: egress ${describeSide(forth.explanation.egress, 'egress')}, ingress ${describeSide(forth.explanation.ingress, 'ingress')}.`
      : `pods of ${namespace} cannot reach each other: egress ${describeSide(blocked!.egress, 'egress')}, ingress ${describeSide(blocked!.ingress, 'ingress')}. ` +
          'Fix: allow ingress from podSelector {} and, when egress is isolated, the egress mirror to podSelector {}.',
    [forth, back].flatMap((v) => [...policiesOf(v.explanation.egress), ...policiesOf(v.explanation.ingress)]),
  );

  // AUD004: DNS to the DNS pods on UDP and TCP, and port 53 nowhere else.
  const dnsUdp = judge(target, dnsPod, 53, 'UDP');
  const dnsTcp = judge(target, dnsPod, 53, 'TCP');
  const leaks = [
    ...(['UDP', 'TCP'] as const).map((protocol) => ({ where: `another namespace on ${protocol} 53`, verdict: judge(target, elsewhere, 53, protocol) })),
    ...(['UDP', 'TCP'] as const).map((protocol) => ({ where: `${OUTSIDE_IP} on ${protocol} 53`, verdict: judge(target, outsideId, 53, protocol) })),
  ].filter((probeResult) => probeResult.verdict.explanation.egress.state !== 'denied');
  const dnsProblems = [
    ...(dnsUdp.allowed ? [] : [`UDP 53 to ${dnsPod} is denied (egress ${describeSide(dnsUdp.explanation.egress, 'egress')}; ingress ${describeSide(dnsUdp.explanation.ingress, 'ingress')})`]),
    ...(dnsTcp.allowed ? [] : [`TCP 53 to ${dnsPod} is denied (egress ${describeSide(dnsTcp.explanation.egress, 'egress')}; ingress ${describeSide(dnsTcp.explanation.ingress, 'ingress')})`]),
    ...(leaks.length > 0
      ? [
          `port 53 is open beyond the DNS pods, to ${leaks.map((leak) => leak.where).join(', ')}: ` +
            sorted(leaks.map((leak) => describeSide(leak.verdict.explanation.egress, 'egress'))).join('; '),
        ]
      : []),
  ];
  const dnsEgress = check(
    AUDIT_CHECKS.dnsEgress,
    dnsProblems.length === 0,
    dnsProblems.length === 0
      ? `DNS reaches ${dnsPod} on UDP and TCP 53 (${describeSide(dnsUdp.explanation.egress, 'egress')}) and port 53 is closed elsewhere.`
      : `${dnsProblems.join('; ')}. Fix: one egress rule to the DNS pods (namespaceSelector AND podSelector in one peer) on UDP and TCP 53, and no ports-only rule.`,
    [dnsUdp, dnsTcp, ...leaks.map((leak) => leak.verdict)].flatMap((v) => policiesOf(v.explanation.egress)),
  );

  // AUD005: who else can reach the namespace, on the ports its policies name and an arbitrary one.
  const { reachers, openTo, policies } = probes.reach.get(namespace) ?? { reachers: new Map<string, Set<string>>(), openTo: new Set<string>(), policies: new Set<string>() };
  const reachList = sorted(reachers.keys()).map((who) => `${who} (${sorted(reachers.get(who)!).join(', ')})`);
  const crossNamespaceReach = check(
    AUDIT_CHECKS.crossNamespaceReach,
    openTo.size === 0,
    openTo.size === 0
      ? reachList.length === 0
        ? `no pod of another namespace in the input, and no arbitrary pod or outside address, can reach ${namespace}.`
        : `only these pods of other namespaces can reach ${namespace}: ${reachList.join('; ')}.`
      : `${namespace} is open to ${sorted(openTo).join(', ')}: ${reachList.join('; ')}. Fix: allow specific pods, one peer with namespaceSelector AND podSelector.`,
    policies,
  );

  // AUD006: opt-ins the namespace's policies were rendered with (template #14's annotation).
  const optIns = new Map<string, Set<string>>();
  for (const policy of probes.model.policies) {
    const listed = policy.metadata.namespace === namespace ? policy.metadata.annotations?.[OPT_INS_ANNOTATION] : undefined;
    if (typeof listed !== 'string') continue;
    for (const optIn of listed.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
      optIns.set(optIn, (optIns.get(optIn) ?? new Set()).add(`${namespace}/${policy.metadata.name}`));
    }
  }
  const optInsInUse = check(
    AUDIT_CHECKS.optInsInUse,
    optIns.size === 0,
    optIns.size === 0
      ? 'no policy was rendered with an opt-in: the guardrails hold as documented.'
      : `opt-ins in use: ${sorted(optIns.keys()).map((optIn) => `${optIn} (${describeOptIn(optIn)})`).join('; ')}. Fix: check each is still needed; without it the guardrails refuse the value.`,
    [...optIns.values()].flatMap((set) => [...set]),
  );

  return { namespace, checks: [defaultDenyIngress, defaultDenyEgress, intraNamespace, dnsEgress, crossNamespaceReach, optInsInUse] };
}

/**
 * Audits every namespace of `objects` (parsed manifests or API list items): NetworkPolicies,
 * Namespaces, Pods and workloads, as {@link clusterModelFromObjects} reads them. System
 * namespaces are left out unless `include` names them.
 *
 * @throws {AnalyzerInputError} when an object cannot be read; the message names it and the fix.
 */
export function auditNamespaces(objects: readonly unknown[], options: AuditOptions = {}): AuditResult {
  const { model, notes } = clusterModelFromObjects(objects);
  const include = new Set(options.include ?? []);
  const exclude = new Set(options.exclude ?? []);
  const skipped: { namespace: string; reason: string }[] = [];
  const audited: string[] = [];
  for (const namespace of sorted([...model.namespaces.map((ns) => ns.name), ...include])) {
    if (exclude.has(namespace)) skipped.push({ namespace, reason: 'excluded by --exclude' });
    else if (SYSTEM_NAMESPACES.includes(namespace) && !include.has(namespace)) {
      skipped.push({ namespace, reason: 'system namespace: isolating it can break the cluster (docs/pitfalls.md, pitfall 17); audit it with --include' });
    } else audited.push(namespace);
  }
  const withoutReach = withProbes(model, audited, options);
  const probes: ProbeModel = { ...withoutReach, reach: scanCrossNamespaceReach(withoutReach, new Set(audited)) };
  return {
    namespaces: audited.map((namespace) => auditNamespace(probes, namespace)),
    skipped,
    notes: [...notes, ...probes.notes, CNI_ENFORCEMENT_NOTE],
  };
}
