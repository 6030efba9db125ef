/**
 * Random v1alpha1 AdminNetworkPolicies and BaselineAdminNetworkPolicies for the analyze
 * differential (analyze.differential.test.ts): the forms np-guard's netpolicy reads
 * (network-policy-api v0.1.5: `namespaces` and `pods` peers, `networks` for egress, ports as
 * `portNumber`, `portRange` or `namedPort`), with Allow/Deny/Pass, distinct priorities and
 * at most one BaselineAdminNetworkPolicy, named `default` as the API requires.
 */
import { stringify } from 'yaml';
import { SeededRandom, type Scenario } from './netpolicy-scenarios.js';

/** The draws the generator needs; the differential's seeded generator provides them. */
export interface ScenarioRandom {
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  sample<T>(items: readonly T[], count: number): T[];
}

type LabelPool = Readonly<Record<string, readonly string[]>>;

const ADMIN_PORTS = [53, 80, 443, 1500, 5432, 8080, 9090];
const ADMIN_PORT_NAMES = ['http', 'dns', 'metrics', 'db', 'no-such-port'];
const ADMIN_NETWORKS = ['10.0.0.0/8', '192.168.0.0/16', '8.8.8.8/32', '172.16.0.0/12', '0.0.0.0/0'];

function selector(random: ScenarioRandom, pool: LabelPool): Record<string, unknown> {
  if (random.chance(0.2)) return {};
  const key = random.pick(Object.keys(pool));
  if (random.chance(0.6)) return { matchLabels: { [key]: random.pick(pool[key]!) } };
  const operator = random.pick(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const);
  if (operator === 'Exists' || operator === 'DoesNotExist') return { matchExpressions: [{ key, operator }] };
  return { matchExpressions: [{ key, operator, values: random.sample([...pool[key]!, 'absent-value'], random.int(1, 2)) }] };
}

function subject(random: ScenarioRandom, namespaces: LabelPool, pods: LabelPool): Record<string, unknown> {
  return random.chance(0.5)
    ? { namespaces: selector(random, namespaces) }
    : { pods: { namespaceSelector: selector(random, namespaces), podSelector: selector(random, pods) } };
}

function peer(random: ScenarioRandom, egress: boolean, namespaces: LabelPool, pods: LabelPool): Record<string, unknown> {
  const form = random.pick(egress ? (['namespaces', 'pods', 'networks'] as const) : (['namespaces', 'pods'] as const));
  if (form === 'namespaces') return { namespaces: selector(random, namespaces) };
  if (form === 'pods') return { pods: { namespaceSelector: selector(random, namespaces), podSelector: selector(random, pods) } };
  return { networks: random.sample(ADMIN_NETWORKS, random.int(1, 2)) };
}

function port(random: ScenarioRandom, allowNamedPort: boolean): Record<string, unknown> {
  const protocol = random.pick(['TCP', 'UDP', 'SCTP'] as const);
  const form = random.pick(allowNamedPort ? (['number', 'range', 'named'] as const) : (['number', 'range'] as const));
  if (form === 'number') return { portNumber: { protocol, port: random.pick(ADMIN_PORTS) } };
  if (form === 'range') {
    const start = random.pick([50, 443, 1000, 8000]);
    return { portRange: { protocol, start, end: start + random.pick([1, 100, 1000]) } };
  }
  return { namedPort: random.pick(ADMIN_PORT_NAMES) };
}

function rules(random: ScenarioRandom, egress: boolean, actions: readonly string[], namespaces: LabelPool, pods: LabelPool): Record<string, unknown>[] {
  return Array.from({ length: random.int(0, 3) }, (_, index) => {
    const peers = Array.from({ length: random.int(1, 2) }, () => peer(random, egress, namespaces, pods));
    // netpolicy refuses a named port in a rule that can reach an IP (as for NetworkPolicy).
    const allowNamedPort = !peers.some((candidate) => 'networks' in candidate);
    const rule: Record<string, unknown> = { name: `rule-${index}`, action: random.pick(actions), [egress ? 'to' : 'from']: peers };
    if (random.chance(0.5)) rule.ports = Array.from({ length: random.int(1, 2) }, () => port(random, allowNamedPort));
    return rule;
  });
}

/**
 * Zero to three AdminNetworkPolicies with distinct priorities (same-priority order is
 * implementation-defined upstream) and, half the time, the BaselineAdminNetworkPolicy.
 */
export function generateAdminPolicies(random: ScenarioRandom, namespaces: LabelPool, pods: LabelPool): Record<string, unknown>[] {
  const priorities = random.sample([1, 5, 10, 20, 50, 100, 500], random.int(0, 3));
  const admin = priorities.map((priority, index) => ({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name: `admin-${index}` },
    spec: {
      priority,
      subject: subject(random, namespaces, pods),
      ingress: rules(random, false, ['Allow', 'Deny', 'Pass'], namespaces, pods),
      egress: rules(random, true, ['Allow', 'Deny', 'Pass'], namespaces, pods),
    },
  }));
  if (!random.chance(0.5)) return admin;
  return [
    ...admin,
    {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'BaselineAdminNetworkPolicy',
      metadata: { name: 'default' },
      spec: {
        subject: subject(random, namespaces, pods),
        ingress: rules(random, false, ['Allow', 'Deny'], namespaces, pods),
        egress: rules(random, true, ['Allow', 'Deny'], namespaces, pods),
      },
    },
  ];
}

/**
 * Every other scenario with v1alpha1 admin and baseline policies added, drawn from a second
 * stream (seed + 1) so the NetworkPolicy part of each scenario stays what it was.
 */
export function withAdminPolicies(scenario: Scenario): Scenario {
  if (scenario.index % 2 === 0) return scenario;
  const { namespaceLabelPool, podLabelPool } = scenario.pools;
  const adminPolicies = generateAdminPolicies(new SeededRandom(scenario.seed + 1), namespaceLabelPool, podLabelPool);
  if (adminPolicies.length === 0) return scenario;
  const files = new Map(scenario.files);
  files.set('policies/admin.yaml', adminPolicies.map((object) => `---\n${stringify(object)}`).join(''));
  return { ...scenario, files };
}
