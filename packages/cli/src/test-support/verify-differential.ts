/**
 * The differential of `verify` against brute force: for seeded scenarios with NetworkPolicies
 * and (every other one) v1alpha1 AdminNetworkPolicies and a BaselineAdminNetworkPolicy, each
 * assertion's status from `checkExpectations` must equal the status computed by judging every
 * endpoint pair with `evaluateConnection` on a dense port sample and on addresses around every
 * CIDR edge. The sample is read from the scenario's own objects (every port number they name,
 * with its neighbours), never from the probe-point code under test, so it covers every interval
 * any tier tells apart.
 */
import { parseAllDocuments } from 'yaml';
import {
  checkExpectations,
  clusterModelFromObjects,
  compileExpectations,
  evaluateConnection,
  externalEndpoint,
  parseIp,
  type ClusterModel,
  type ExpectationSpec,
  type ExpectationStatus,
} from '@k8s-security-pro/core/analyzer';
import { withAdminPolicies } from './admin-policy-scenarios.js';
import { generateScenario, type Protocol } from './netpolicy-scenarios.js';

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const PORT_KEYS = new Set(['port', 'endPort', 'start', 'end', 'containerPort', 'number']);
const CIDR_KEYS = new Set(['cidr', 'except', 'networks']);

/** One assertion on which `verify` and brute force disagree. */
export interface Disagreement {
  readonly scenario: number;
  readonly id: string;
  readonly verify: ExpectationStatus;
  readonly bruteForce: ExpectationStatus;
}

/** Every port number and CIDR the objects name, wherever they name it. */
function namedValues(value: unknown, key: string, ports: Set<number>, cidrs: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) namedValues(item, key, ports, cidrs);
  } else if (value !== null && typeof value === 'object') {
    for (const [child, item] of Object.entries(value)) namedValues(item, child, ports, cidrs);
  } else if (typeof value === 'number' && PORT_KEYS.has(key) && Number.isInteger(value)) {
    ports.add(value);
  } else if (typeof value === 'string' && CIDR_KEYS.has(key) && value.includes('/')) {
    cidrs.add(value);
  }
}

/** Each named port with its neighbours, a coarse grid, and both ends of the range. */
function portSample(named: ReadonlySet<number>): number[] {
  const sample = new Set([1, 2, 65534, 65535]);
  for (let port = 1000; port < 65535; port += 1000) sample.add(port);
  for (const port of named) for (const near of [port - 1, port, port + 1]) if (near >= 1 && near <= 65535) sample.add(near);
  return [...sample].sort((a, b) => a - b);
}

function ipv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/** Addresses around each IPv4 CIDR edge: the last one before it, its first, its last, the one after. */
function addressSample(cidrs: ReadonlySet<string>): string[] {
  const sample = new Set([0, 0xffffffff]);
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/');
    const ip = parseIp(address!);
    if (!ip || ip.family !== 4) continue;
    const size = 2 ** (32 - Number(prefix));
    const first = Number(ip.value) - (Number(ip.value) % size);
    for (const near of [first - 1, first, first + size - 1, first + size]) if (near >= 0 && near <= 0xffffffff) sample.add(near);
  }
  return [...sample].map(ipv4);
}

/** Assertions over every ordered namespace pair, and from each namespace to every outside address. */
function assertionsFor(namespaces: readonly string[]): ExpectationSpec[] {
  const specs: ExpectationSpec[] = [];
  for (const from of namespaces) {
    for (const to of namespaces) {
      specs.push({ id: `${from}-${to}-denied`, from: { namespace: from }, to: { namespace: to }, expect: 'denied' });
      specs.push({ id: `${from}-${to}-allowed`, from: { namespace: from }, to: { namespace: to }, expect: 'allowed' });
      specs.push({ id: `${from}-${to}-only-web`, from: { namespace: from }, to: { namespace: to }, ports: ['80/TCP', '443/TCP'], expect: 'allowedOnly' });
    }
    specs.push({ id: `${from}-outside-denied`, from: { namespace: from }, to: { ipBlock: { cidr: '0.0.0.0/0' } }, expect: 'denied' });
    specs.push({ id: `${from}-outside-allowed`, from: { namespace: from }, to: { ipBlock: { cidr: '0.0.0.0/0' } }, expect: 'allowed' });
    specs.push({ id: `outside-${from}-denied`, from: { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }, to: { namespace: from }, expect: 'denied' });
  }
  return specs;
}

/** The status brute force gives: every distinct pair of the sides, every sampled port of every protocol. */
function bruteForceStatus(model: ClusterModel, spec: ExpectationSpec, sources: readonly string[], destinations: readonly string[], ports: readonly number[]): ExpectationStatus {
  const asserted = (port: number, protocol: Protocol) =>
    spec.ports === undefined || spec.ports.some((text) => text === `${port}/${protocol}`);
  let pairs = 0;
  let broken = false;
  for (const from of sources) {
    for (const to of destinations) {
      if (from === to || (from.includes('.') && to.includes('.'))) continue;
      pairs++;
      for (const protocol of PROTOCOLS) {
        for (const port of ports) {
          const allowed = evaluateConnection(model, from, to, port, protocol).allowed;
          const inPorts = asserted(port, protocol);
          const wanted = spec.expect === 'denied' ? (inPorts ? false : allowed) : spec.expect === 'allowed' ? (inPorts ? true : allowed) : inPorts;
          if (allowed !== wanted) broken = true;
        }
      }
    }
  }
  return pairs === 0 ? 'vacuous' : broken ? 'fail' : 'pass';
}

/** Runs scenarios `first`..`first + count - 1` and returns every disagreement. */
export function verifyDisagreements(first: number, count: number): Disagreement[] {
  const disagreements: Disagreement[] = [];
  for (let index = first; index < first + count; index++) {
    const scenario = withAdminPolicies(generateScenario(index));
    const objects = [...scenario.files.values()].flatMap((text) => parseAllDocuments(text).map((document) => document.toJS() as unknown));
    const { model } = clusterModelFromObjects(objects);
    const ports = new Set<number>();
    const cidrs = new Set<string>();
    namedValues(objects, '', ports, cidrs);
    const portList = portSample(ports);
    const addresses = addressSample(cidrs);
    const known = new Set(model.endpoints.map((endpoint) => endpoint.id));
    const probed: ClusterModel = { ...model, endpoints: [...model.endpoints, ...addresses.filter((ip) => !known.has(ip)).map((ip) => externalEndpoint(ip))] };
    const namespaces = [...new Set(model.endpoints.flatMap((endpoint) => (endpoint.namespace === undefined ? [] : [endpoint.namespace])))].sort();
    const specs = assertionsFor(namespaces);
    const document = { apiVersion: 'k8s-security.dev/v1alpha1', kind: 'ReachabilityExpectations', metadata: { name: `scenario-${index}` }, expectations: specs };
    const report = checkExpectations(model, document.metadata.name, compileExpectations(document).expectations, { maxCounterExamples: 0 });
    const inNamespace = (name: string) => model.endpoints.filter((endpoint) => endpoint.namespace === name).map((endpoint) => endpoint.id);
    const outside = (except: boolean) => addresses.filter((ip) => !except || !ip.startsWith('10.'));
    specs.forEach((spec, position) => {
      const side = (selector: ExpectationSpec['from']) =>
        selector.ipBlock !== undefined ? outside((selector.ipBlock.except ?? []).length > 0) : inNamespace(selector.namespace!);
      const expected = bruteForceStatus(probed, spec, side(spec.from), side(spec.to), portList);
      const actual = report.results[position]!.status;
      if (actual !== expected) disagreements.push({ scenario: index, id: spec.id, verify: actual, bruteForce: expected });
    });
  }
  return disagreements;
}
