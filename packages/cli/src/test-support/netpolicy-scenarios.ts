/**
 * Seeded random scenarios of namespaces, workloads and NetworkPolicies, and the helpers that run
 * np-guard's netpolicy (pinned in tools/toolchain.env, built by tools/install-tools.sh) and read
 * its answers: shared by the differential tests of `analyze` and `diff`. The generator avoids
 * the constructs on which netpolicy is known to differ (see analyze.differential.test.ts).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { seededRandom } from '@k8s-security-pro/core/testing';
import { stringify } from 'yaml';

/** The seed of scenario 0; scenario i uses FIRST_SEED + i * 7919. */
export const FIRST_SEED = 20_261_126;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PortProbe {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface ExternalSpec {
  readonly ip: string;
  readonly ports: readonly PortProbe[];
}

/** The `--external IP:PORT/PROTO,...` flags that add `externals` to an analyze or diff run. */
export function externalFlags(externals: readonly ExternalSpec[]): string[] {
  return externals.flatMap(({ ip, ports }) => ['--external', `${ip}:${ports.map((p) => `${p.port}/${p.protocol}`).join(',')}`]);
}

export interface Scenario {
  readonly index: number;
  readonly seed: number;
  /** File name (inside the scenario folder) -> YAML text. */
  readonly files: ReadonlyMap<string, string>;
  /** `<ns>/<name>` -> the (port, protocol) pairs its containers declare. */
  readonly workloadPorts: ReadonlyMap<string, readonly PortProbe[]>;
  readonly externals: readonly ExternalSpec[];
  /** Ports asked about with --port, declared or not. */
  readonly probes: readonly PortProbe[];
  /** The objects behind `files`, and what its policies draw from: to derive a changed scenario. */
  readonly pools: PolicyPools;
  readonly namespaceObjects: readonly unknown[];
  readonly workloads: readonly unknown[];
  readonly policies: readonly Record<string, unknown>[];
}


// ---------------------------------------------------------------------------------------------
// Seeded scenario generation

/** Scenario helpers over core's seeded PRNG: the same sequence on every platform for a given seed. */
export class SeededRandom {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]!);
    return out;
  }
  /** Picks by weight: `[[weight, value], ...]`. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, value] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1]![1];
  }
}

const NAMESPACE_NAMES = ['alpha', 'beta', 'gamma'];
const NAMESPACE_LABEL_VALUES: Record<string, readonly string[]> = { env: ['prod', 'dev'], team: ['red', 'blue'] };
const POD_LABEL_VALUES: Record<string, readonly string[]> = {
  role: ['frontend', 'backend', 'db'],
  tier: ['web', 'data', ''],
  version: ['v1', 'v2'],
};
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'] as const;
const CONTAINER_PORT_POOL: readonly PortProbe[] = [
  { port: 80, protocol: 'TCP' },
  { port: 443, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
  { port: 53, protocol: 'TCP' },
  { port: 1500, protocol: 'SCTP' },
  { port: 5432, protocol: 'TCP' },
  { port: 8080, protocol: 'TCP' },
  { port: 9090, protocol: 'UDP' },
];
const PORT_NAMES = ['http', 'https', 'dns', 'metrics', 'db', 'sctp-data'];
const POLICY_PORTS = [53, 80, 443, 1500, 5432, 8080, 9090];
const PORT_RANGES: readonly (readonly [number, number])[] = [
  [1000, 2000],
  [50, 100],
  [8000, 9000],
  [443, 443],
];
const IP_BLOCKS: readonly { cidr: string; except?: string[] }[] = [
  { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] },
  { cidr: '10.0.0.0/8' },
  { cidr: '192.168.0.0/16' },
  { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12'] },
  { cidr: '8.8.8.8/32' },
  // Host bits set: read as the masked network 192.168.0.0/16, as Go's net.ParseCIDR does.
  { cidr: '192.168.77.1/16', except: ['192.168.5.0/24'] },
  { cidr: '172.16.0.0/12', except: ['172.16.0.0/24'] },
];
const EXTERNAL_IPS = ['10.1.2.3', '10.200.0.5', '192.168.5.5', '8.8.8.8', '172.16.0.9', '172.20.1.1'];
const PROBE_POOL: readonly PortProbe[] = [
  { port: 1500, protocol: 'SCTP' },
  { port: 7777, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
  { port: 80, protocol: 'TCP' },
  { port: 9090, protocol: 'UDP' },
  { port: 65535, protocol: 'TCP' },
  { port: 443, protocol: 'SCTP' },
];

export interface GeneratedNamespace {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** False: objects live in it, but no Namespace object declares it. */
  readonly declared: boolean;
}

function generateSelector(random: SeededRandom, pool: Record<string, readonly string[]>, allowEmpty: boolean): Record<string, unknown> {
  if (allowEmpty && random.chance(0.2)) return random.chance(0.5) ? {} : { matchLabels: {} };
  const keys = Object.keys(pool);
  const selector: Record<string, unknown> = {};
  const form = random.weighted([
    [3, 'labels'],
    [3, 'expressions'],
    [1, 'both'],
  ] as const);
  if (form !== 'expressions') {
    const key = random.pick(keys);
    selector.matchLabels = { [key]: random.pick(pool[key]!) };
  }
  if (form !== 'labels') {
    selector.matchExpressions = random.sample(keys, random.int(1, 2)).map((key) => {
      const operator = random.pick(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const);
      if (operator === 'Exists' || operator === 'DoesNotExist') return { key, operator };
      const values = random.sample([...pool[key]!, 'absent-value'], random.int(1, 2));
      return { key, operator, values };
    });
  }
  return selector;
}

function generatePeer(random: SeededRandom, namespaceLabelPool: Record<string, readonly string[]>, podLabelPool: Record<string, readonly string[]>) {
  const form = random.weighted([
    [3, 'pod'],
    [3, 'namespace'],
    [3, 'both'],
    [3, 'ipBlock'],
  ] as const);
  switch (form) {
    case 'pod':
      return { podSelector: generateSelector(random, podLabelPool, true) };
    case 'namespace':
      return { namespaceSelector: generateSelector(random, namespaceLabelPool, true) };
    case 'both':
      return {
        namespaceSelector: generateSelector(random, namespaceLabelPool, true),
        podSelector: generateSelector(random, podLabelPool, true),
      };
    case 'ipBlock': {
      const block = random.pick(IP_BLOCKS);
      const withExcept = block.except !== undefined && random.chance(0.8);
      return { ipBlock: withExcept ? { cidr: block.cidr, except: block.except } : { cidr: block.cidr } };
    }
  }
}

function generatePortEntry(random: SeededRandom, allowNamedPort: boolean): Record<string, unknown> {
  const protocol = random.weighted<Protocol | undefined>([
    [3, undefined],
    [2, 'TCP'],
    [2, 'UDP'],
    [2, 'SCTP'],
  ]);
  const withProtocol = (entry: Record<string, unknown>) => (protocol === undefined ? entry : { ...entry, protocol });
  const form = random.weighted([
    [1, 'none'],
    [4, 'number'],
    [3, 'name'],
    [2, 'range'],
  ] as const);
  switch (form) {
    case 'none':
      return withProtocol({});
    case 'number':
      return withProtocol({ port: random.pick(POLICY_PORTS) });
    case 'name':
      if (!allowNamedPort) return withProtocol({ port: random.pick(POLICY_PORTS) });
      return withProtocol({ port: random.pick([...PORT_NAMES, 'no-such-port']) });
    case 'range': {
      const [port, endPort] = random.pick(PORT_RANGES);
      return withProtocol({ port, endPort });
    }
  }
}

function generateRule(random: SeededRandom, peerField: 'from' | 'to', namespaceLabelPool: Record<string, readonly string[]>, podLabelPool: Record<string, readonly string[]>) {
  const rule: Record<string, unknown> = {};
  const peers = random.weighted([
    [3, 'absent'],
    [1, 'empty'],
    [8, 'some'],
  ] as const);
  if (peers === 'empty') rule[peerField] = [];
  if (peers === 'some') rule[peerField] = Array.from({ length: random.int(1, 2) }, () => generatePeer(random, namespaceLabelPool, podLabelPool));
  const ports = random.weighted([
    [4, 'absent'],
    [1, 'empty'],
    [7, 'some'],
  ] as const);
  if (ports === 'empty') rule.ports = [];
  // netpolicy refuses (exits with an error) an egress rule that has a named port and may reach
  // an IP (no peers, or an ipBlock peer): see the note at the top of this file.
  const peerList = rule[peerField] as Record<string, unknown>[] | undefined;
  const mayReachIp = peerList === undefined || peerList.length === 0 || peerList.some((peer) => 'ipBlock' in peer);
  const allowNamedPort = !(peerField === 'to' && mayReachIp);
  if (ports === 'some') rule.ports = Array.from({ length: random.int(1, 2) }, () => generatePortEntry(random, allowNamedPort));
  return rule;
}

function generateRules(random: SeededRandom, peerField: 'from' | 'to', namespaceLabelPool: Record<string, readonly string[]>, podLabelPool: Record<string, readonly string[]>) {
  const form = random.weighted([
    [2, 'absent'],
    [1, 'empty'],
    [7, 'some'],
  ] as const);
  if (form === 'absent') return undefined;
  if (form === 'empty') return [];
  return Array.from({ length: random.int(1, 3) }, () => generateRule(random, peerField, namespaceLabelPool, podLabelPool));
}

function podTemplateSpec(containers: unknown[]) {
  return { containers };
}

function workloadObject(kind: (typeof WORKLOAD_KINDS)[number], name: string, namespace: string, labels: Record<string, string>, containers: unknown[]) {
  const metadata = { name, namespace };
  const template = { metadata: { labels }, spec: podTemplateSpec(containers) };
  const selector = { matchLabels: labels };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: { ...metadata, labels }, spec: podTemplateSpec(containers) };
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector, template } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
  }
}

/** What policies of a scenario draw from: its namespaces and the label values its selectors use. */
export interface PolicyPools {
  readonly namespaces: readonly GeneratedNamespace[];
  readonly namespaceLabelPool: Record<string, readonly string[]>;
  readonly podLabelPool: Record<string, readonly string[]>;
}

/** One random NetworkPolicy named `name` in one of the scenario's namespaces. */
export function generatePolicy(random: SeededRandom, name: string, { namespaces, namespaceLabelPool, podLabelPool }: PolicyPools): Record<string, unknown> {
  const spec: Record<string, unknown> = { podSelector: generateSelector(random, podLabelPool, true) };
  const policyTypes = random.weighted<string[] | undefined>([
    [3, undefined],
    [1, []],
    [2, ['Ingress']],
    [2, ['Egress']],
    [3, ['Ingress', 'Egress']],
  ]);
  if (policyTypes) spec.policyTypes = policyTypes;
  const ingress = generateRules(random, 'from', namespaceLabelPool, podLabelPool);
  const egress = generateRules(random, 'to', namespaceLabelPool, podLabelPool);
  if (ingress !== undefined) spec.ingress = ingress;
  if (egress !== undefined) spec.egress = egress;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: random.pick(namespaces).name },
    spec,
  };
}

/** The files of a scenario folder: a List, a multi-document stream and a nested folder, the input forms users have. */
export function scenarioFiles(namespaceObjects: readonly unknown[], workloads: readonly unknown[], policies: readonly unknown[]): Map<string, string> {
  const files = new Map<string, string>([
    ['namespaces.yaml', stringify({ apiVersion: 'v1', kind: 'List', items: namespaceObjects })],
    ['workloads.yaml', workloads.map((object) => `---\n${stringify(object)}`).join('')],
  ]);
  if (policies.length > 0) files.set('policies/policies.yaml', policies.map((object) => `---\n${stringify(object)}`).join(''));
  return files;
}

export function generateScenario(index: number, firstSeed = FIRST_SEED): Scenario {
  const seed = firstSeed + index * 7919;
  const random = new SeededRandom(seed);

  const namespaces: GeneratedNamespace[] = random.sample(NAMESPACE_NAMES, random.int(2, 3)).map((name) => {
    const labels: Record<string, string> = {};
    for (const [key, values] of Object.entries(NAMESPACE_LABEL_VALUES)) if (random.chance(0.6)) labels[key] = random.pick(values);
    // Kubernetes sets this label itself; leaving it out sometimes checks that both tools add it.
    if (random.chance(0.5)) labels['kubernetes.io/metadata.name'] = name;
    // An undeclared namespace gets only its name label, in both tools.
    const declared = random.chance(0.85);
    return { name, labels: declared ? labels : {}, declared };
  });
  const namespaceLabelPool: Record<string, readonly string[]> = {
    ...NAMESPACE_LABEL_VALUES,
    'kubernetes.io/metadata.name': NAMESPACE_NAMES,
  };

  const workloads: unknown[] = [];
  const workloadNames: string[] = [];
  const workloadPorts = new Map<string, PortProbe[]>();
  const workloadCount = random.int(2, 6);
  for (let w = 0; w < workloadCount; w++) {
    const namespace = random.pick(namespaces).name;
    const kind = random.pick(WORKLOAD_KINDS);
    const name = `w${w}-${kind.toLowerCase()}`;
    const labels: Record<string, string> = { app: name };
    for (const [key, values] of Object.entries(POD_LABEL_VALUES)) if (random.chance(0.6)) labels[key] = random.pick(values);
    const declared = random.sample(CONTAINER_PORT_POOL, random.int(0, 3));
    const names = random.sample(PORT_NAMES, declared.length);
    const containerCount = declared.length > 1 && random.chance(0.4) ? 2 : 1;
    const containers = Array.from({ length: containerCount }, (_, c) => ({
      name: `c${c}`,
      image: 'registry.example/app:1',
      ports: [] as Record<string, unknown>[],
    }));
    declared.forEach((port, p) => {
      const entry: Record<string, unknown> = { containerPort: port.port };
      if (random.chance(0.75)) entry.name = names[p];
      if (port.protocol !== 'TCP' || random.chance(0.5)) entry.protocol = port.protocol;
      containers[p % containerCount]!.ports.push(entry);
    });
    for (const container of containers) if (container.ports.length === 0) delete (container as { ports?: unknown }).ports;
    workloads.push(workloadObject(kind, name, namespace, labels, containers));
    workloadNames.push(name);
    workloadPorts.set(`${namespace}/${name}`, declared);
  }
  const podLabelPool: Record<string, readonly string[]> = {
    ...POD_LABEL_VALUES,
    app: [...workloadNames, 'no-such-app'],
  };

  const pools = { namespaces, namespaceLabelPool, podLabelPool };
  const policies = Array.from({ length: random.int(0, 4) }, (_, p) => generatePolicy(random, `policy-${p}`, pools));

  const externals = random.sample(EXTERNAL_IPS, random.int(1, 2)).map((ip) => ({ ip, ports: random.sample(CONTAINER_PORT_POOL, random.int(1, 3)) }));
  const probes = random.sample(PROBE_POOL, 2);

  const namespaceObjects = namespaces.filter(({ declared }) => declared).map(({ name, labels }) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: Object.keys(labels).length === 0 ? { name } : { name, labels },
  }));
  const files = scenarioFiles(namespaceObjects, workloads, policies);
  return { index, seed, files, workloadPorts, externals, probes, pools, namespaceObjects, workloads, policies };
}

/** The constructs one generated object uses, so the suite can prove its scenarios cover them all. */
export function constructsOf(object: Record<string, unknown>): string[] {
  const forms: string[] = [`kind ${String(object.kind)}`];
  if (object.kind === 'List') return [...forms, ...(object.items as Record<string, unknown>[]).flatMap(constructsOf)];
  if (object.kind === 'Namespace') {
    const labels = ((object.metadata as Record<string, unknown>).labels ?? {}) as Record<string, string>;
    if (!('kubernetes.io/metadata.name' in labels)) forms.push('namespace without declared name label');
    return forms;
  }
  const json = JSON.stringify(object);
  for (const match of json.matchAll(/"containerPort":\d+(?:,"name":"[^"]+")?(?:,"protocol":"(\w+)")?/g)) {
    forms.push(match[0].includes('"name"') ? 'container port named' : 'container port unnamed', `container port ${match[1] ?? 'TCP'}`);
  }
  if (object.kind === 'AdminNetworkPolicy' || object.kind === 'BaselineAdminNetworkPolicy') {
    const spec = object.spec as Record<string, unknown>;
    forms.push(`admin subject ${Object.keys(spec.subject as object)[0]}`);
    for (const [direction, peerField] of [['ingress', 'from'], ['egress', 'to']] as const) {
      for (const rule of (spec[direction] ?? []) as Record<string, unknown>[]) {
        forms.push(`admin action ${String(rule.action)}`);
        for (const peer of rule[peerField] as Record<string, unknown>[]) forms.push(`admin ${direction} peer ${Object.keys(peer)[0]}`);
        for (const port of (rule.ports ?? []) as Record<string, unknown>[]) forms.push(`admin port ${Object.keys(port)[0]}`);
      }
    }
    return forms;
  }
  if (object.kind !== 'NetworkPolicy') return forms;
  const spec = object.spec as Record<string, unknown>;
  forms.push(spec.policyTypes === undefined ? 'policyTypes absent' : (spec.policyTypes as unknown[]).length === 0 ? 'policyTypes empty' : 'policyTypes set');
  const isEmpty = (selector: unknown) => Object.keys((selector as Record<string, unknown>).matchLabels ?? selector ?? {}).length === 0 && !('matchExpressions' in (selector as object));
  for (const [direction, peerField] of [['ingress', 'from'], ['egress', 'to']] as const) {
    const rules = spec[direction] as Record<string, unknown>[] | undefined;
    if (rules?.length === 0) forms.push('rules empty');
    for (const rule of rules ?? []) {
      const peers = rule[peerField] as Record<string, unknown>[] | undefined;
      forms.push(peers === undefined ? 'peers absent' : peers.length === 0 ? 'peers empty' : 'peers set');
      for (const peer of peers ?? []) {
        if (peer.ipBlock) forms.push((peer.ipBlock as Record<string, unknown>).except ? 'peer ipBlock with except' : 'peer ipBlock');
        else if (peer.podSelector && peer.namespaceSelector) forms.push('peer both selectors');
        else if (peer.podSelector) forms.push(isEmpty(peer.podSelector) ? 'peer podSelector only, empty' : 'peer podSelector only');
        else forms.push(isEmpty(peer.namespaceSelector) ? 'peer namespaceSelector only, empty' : 'peer namespaceSelector only');
      }
      const ports = rule.ports as Record<string, unknown>[] | undefined;
      forms.push(ports === undefined ? 'ports absent' : ports.length === 0 ? 'ports empty' : 'ports set');
      for (const port of ports ?? []) {
        if (port.port === undefined) forms.push('port without port');
        else if (typeof port.port === 'string') forms.push('port named');
        else forms.push(port.endPort === undefined ? 'port number' : 'port range');
        forms.push(port.protocol === undefined ? 'port protocol defaulted' : `port protocol ${String(port.protocol)}`);
      }
    }
  }
  for (const match of json.matchAll(/"operator":"(\w+)"/g)) forms.push(`operator ${match[1]}`);
  return forms.filter((form) => !form.endsWith(' set'));
}

// ---------------------------------------------------------------------------------------------
// netpolicy: running it and reading its answer

export function netpolicyBinary(): string {
  const toolsDir = process.env.K8S_SECURITY_TOOLS_DIR ?? fileURLToPath(new URL('../../../../.tools', import.meta.url));
  return path.join(toolsDir, 'bin', 'netpolicy');
}

export interface NetpolicyEntry {
  readonly src: string;
  readonly dst: string;
  readonly conn: string;
}

/** Allowed ports per protocol, or `'all'`; a protocol that is missing allows nothing. */
export type AllowedSet = 'all' | ReadonlyMap<Protocol, readonly (readonly [number, number])[]>;

/** Reads netpolicy's connection strings: "All Connections", "No Connections", "TCP 1-79,81-65535,UDP 53". */
export function parseConnectionString(text: string): AllowedSet {
  if (text === 'All Connections') return 'all';
  const allowed = new Map<Protocol, [number, number][]>();
  if (text === 'No Connections') return allowed;
  let current: Protocol | undefined;
  for (const token of text.split(',').map((part) => part.trim())) {
    const withProtocol = /^(TCP|UDP|SCTP)\s+(.*)$/.exec(token);
    if (withProtocol) current = withProtocol[1] as Protocol;
    const rangeText = withProtocol ? withProtocol[2]! : token;
    const range = /^(\d+)(?:-(\d+))?$/.exec(rangeText);
    if (!current || !range) throw new Error(`unexpected netpolicy connection string "${text}"`);
    const ranges = allowed.get(current) ?? [];
    ranges.push([Number(range[1]), Number(range[2] ?? range[1])]);
    allowed.set(current, ranges);
  }
  return allowed;
}

export function allowedSetIncludes(set: AllowedSet | undefined, port: number, protocol: Protocol): boolean {
  if (set === undefined) return false;
  if (set === 'all') return true;
  return (set.get(protocol) ?? []).some(([low, high]) => port >= low && port <= high);
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** A netpolicy endpoint: `ns/name[Kind]` becomes `ns/name`; `a.b.c.d-e.f.g.h` is an IP range. */
export type NetpolicyEndpoint = { readonly workload: string } | { readonly low: number; readonly high: number };

export function parseNetpolicyEndpoint(text: string): NetpolicyEndpoint {
  const range = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (range) return { low: ipToNumber(range[1]!), high: ipToNumber(range[2]!) };
  const workload = /^([^/]+\/[^[]+)\[[A-Za-z]+\]$/.exec(text);
  if (!workload) throw new Error(`unexpected netpolicy endpoint "${text}"`);
  return { workload: workload[1]! };
}

export function endpointMatches(endpoint: NetpolicyEndpoint, ours: string): boolean {
  if ('workload' in endpoint) return endpoint.workload === ours;
  if (ours.includes('/')) return false;
  const ip = ipToNumber(ours);
  return ip >= endpoint.low && ip <= endpoint.high;
}

export class NetpolicyVerdicts {
  private readonly entries: { src: NetpolicyEndpoint; dst: NetpolicyEndpoint; allowed: AllowedSet }[];
  constructor(raw: readonly NetpolicyEntry[]) {
    this.entries = raw.map((entry) => ({
      src: parseNetpolicyEndpoint(entry.src),
      dst: parseNetpolicyEndpoint(entry.dst),
      allowed: parseConnectionString(entry.conn),
    }));
  }
  allows(from: string, to: string, port: number, protocol: Protocol): boolean {
    return this.entries.some(
      (entry) => endpointMatches(entry.src, from) && endpointMatches(entry.dst, to) && allowedSetIncludes(entry.allowed, port, protocol),
    );
  }
}

export async function runNetpolicy(binary: string, dir: string): Promise<NetpolicyVerdicts> {
  const { stdout } = await promisify(execFile)(binary, ['list', '--dirpath', dir, '-o', 'json', '--quiet'], { maxBuffer: 16 * 1024 * 1024 });
  // netpolicy prints nothing at all (not `[]`) when no connection is allowed.
  const raw = stdout.trim() === '' ? [] : (JSON.parse(stdout) as NetpolicyEntry[]);
  return new NetpolicyVerdicts(raw);
}

/** Runs `task` over `items`, at most `limit` at a time; after a failure no new task starts, and it rethrows once all have settled. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await task(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}

