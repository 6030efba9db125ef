/**
 * The reachability-expectations file (`apiVersion: k8s-security.dev/v1alpha1`,
 * `kind: ReachabilityExpectations`): a list of assertions such as "no pod of dev reaches any pod
 * of production on any port". Validated strictly: every problem is one {@link ExpectationsError}
 * naming the field and the fix. Pure: parsing the text is the caller's job.
 */
import { checkCidr, checkNamespaceName, checkPortName, parseCidr, type ParsedCidr } from '../model/kubernetes-names.js';
import { NETWORK_POLICY_PROTOCOLS, type NetworkPolicyProtocol } from '../model/network-policy.js';
import { isRecord } from '../kubernetes/object-fields.js';
import { AnalyzerInputError } from '../analyzer/analyzer-input-error.js';
import { compileSelector, type CompiledSelector } from '../analyzer/compiled-policy.js';

/** The apiVersion every expectations file declares. */
export const EXPECTATIONS_API_VERSION = 'k8s-security.dev/v1alpha1';
/** The kind every expectations file declares. */
export const EXPECTATIONS_KIND = 'ReachabilityExpectations';

/** What an assertion demands of every (source, destination) pair it covers. */
export type ExpectedReach = 'denied' | 'allowed' | 'allowedOnly';
const EXPECTED_REACH: readonly ExpectedReach[] = ['denied', 'allowed', 'allowedOnly'];

/** A Kubernetes label selector, as written. */
export interface LabelSelectorSpec {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** Which endpoints one side of an assertion covers. */
export interface EndpointSelectorSpec {
  /** One namespace by name. */
  readonly namespace?: string;
  /** Namespaces by label; `{}` is every namespace. */
  readonly namespaceSelector?: LabelSelectorSpec;
  /** Pods (and workloads) by label inside the chosen namespaces; absent: all of them. */
  readonly podSelector?: LabelSelectorSpec;
  /** Addresses outside the cluster in this range. */
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
  /** Endpoints to leave out of the ones chosen above. */
  readonly except?: readonly EndpointSelectorSpec[];
}

/** One reachability assertion, as written. */
export interface ExpectationSpec {
  readonly id: string;
  readonly description?: string;
  readonly from: EndpointSelectorSpec;
  readonly to: EndpointSelectorSpec;
  /** `PORT`, `PORT/PROTO`, `FIRST-LAST/PROTO`, `NAME/PROTO` or `any/PROTO`; absent: every port of every protocol. */
  readonly ports?: readonly string[];
  readonly expect: ExpectedReach;
}

/** A whole expectations file, as written. */
export interface ExpectationsDocument {
  readonly apiVersion: typeof EXPECTATIONS_API_VERSION;
  readonly kind: typeof EXPECTATIONS_KIND;
  readonly metadata: { readonly name: string; readonly description?: string };
  readonly expectations: readonly ExpectationSpec[];
}

/** A port entry after parsing: a range of one protocol, or a container port name resolved per destination. */
export type PortRangeSpec =
  | { readonly kind: 'range'; readonly protocol: NetworkPolicyProtocol; readonly first: number; readonly last: number }
  | { readonly kind: 'named'; readonly protocol: NetworkPolicyProtocol; readonly name: string };

/** A side of an assertion ready to match endpoints. */
export type CompiledEndpointSelector =
  | {
      readonly kind: 'pods';
      readonly namespace: string | undefined;
      readonly namespaceSelector: CompiledSelector | undefined;
      readonly podSelector: CompiledSelector | undefined;
      readonly except: readonly CompiledEndpointSelector[];
      readonly spec: EndpointSelectorSpec;
    }
  | { readonly kind: 'addresses'; readonly cidr: ParsedCidr; readonly except: readonly ParsedCidr[]; readonly spec: EndpointSelectorSpec };

/** One assertion ready to check. `ports` undefined means every port of every protocol. */
export interface CompiledExpectation {
  readonly spec: ExpectationSpec;
  readonly from: CompiledEndpointSelector;
  readonly to: CompiledEndpointSelector;
  readonly ports: readonly PortRangeSpec[] | undefined;
}

/** A problem with an expectations file: the field at fault and the fix, in one line. */
export class ExpectationsError extends Error {
  override readonly name = 'ExpectationsError';
  constructor(
    /** Path of the field, e.g. `expectations[2].from.podSelector`. */
    readonly field: string,
    /** What is wrong and how to fix it. */
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

function onlyKeys(raw: Record<string, unknown>, known: readonly string[], field: string): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      throw new ExpectationsError(field === '' ? key : `${field}.${key}`, `unknown key: use ${known.join(', ')}`);
    }
  }
}

function requireRecord(raw: unknown, field: string, example: string): Record<string, unknown> {
  if (!isRecord(raw)) throw new ExpectationsError(field, `must be a map, e.g. ${example}`);
  return raw;
}

function requireString(raw: unknown, field: string, example: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ExpectationsError(field, `must be a non-empty string, e.g. ${example}`);
  return raw;
}

const ID_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Validates a parsed expectations document and compiles its selectors and ports.
 *
 * @throws {ExpectationsError} for the first problem found: unknown keys, a wrong apiVersion or
 *   kind, a bad selector, CIDR or port, a duplicate id, or no assertions at all.
 */
export function compileExpectations(raw: unknown): { readonly document: ExpectationsDocument; readonly expectations: readonly CompiledExpectation[] } {
  if (raw === null || raw === undefined) {
    throw new ExpectationsError('(document)', `the file is empty: start it with apiVersion: ${EXPECTATIONS_API_VERSION} and kind: ${EXPECTATIONS_KIND}`);
  }
  const root = requireRecord(raw, '(document)', `{apiVersion: ${EXPECTATIONS_API_VERSION}, kind: ${EXPECTATIONS_KIND}, expectations: [...]}`);
  onlyKeys(root, ['apiVersion', 'kind', 'metadata', 'expectations'], '');
  if (root['apiVersion'] !== EXPECTATIONS_API_VERSION) {
    throw new ExpectationsError('apiVersion', `must be ${EXPECTATIONS_API_VERSION}, got ${JSON.stringify(root['apiVersion'] ?? null)}`);
  }
  if (root['kind'] !== EXPECTATIONS_KIND) {
    throw new ExpectationsError('kind', `must be ${EXPECTATIONS_KIND}, got ${JSON.stringify(root['kind'] ?? null)}`);
  }
  const metadata = requireRecord(root['metadata'], 'metadata', '{name: production-threat-model}');
  onlyKeys(metadata, ['name', 'description'], 'metadata');
  const name = requireString(metadata['name'], 'metadata.name', 'production-threat-model');
  const description = metadata['description'] === undefined ? undefined : requireString(metadata['description'], 'metadata.description', '"What production promises"');
  const list = root['expectations'];
  if (!Array.isArray(list) || list.length === 0) {
    throw new ExpectationsError('expectations', 'must be a non-empty list of assertions, e.g. [{id: dev-not-to-prod, from: {namespace: dev}, to: {namespace: production}, expect: denied}]');
  }
  const seen = new Set<string>();
  const expectations = list.map((entry, index) => {
    const compiled = compileExpectation(entry, `expectations[${index}]`);
    if (seen.has(compiled.spec.id)) throw new ExpectationsError(`expectations[${index}].id`, `"${compiled.spec.id}" is used twice: give each assertion its own id`);
    seen.add(compiled.spec.id);
    return compiled;
  });
  return {
    document: {
      apiVersion: EXPECTATIONS_API_VERSION,
      kind: EXPECTATIONS_KIND,
      metadata: description === undefined ? { name } : { name, description },
      expectations: expectations.map((expectation) => expectation.spec),
    },
    expectations,
  };
}

function compileExpectation(raw: unknown, field: string): CompiledExpectation {
  const entry = requireRecord(raw, field, '{id: dev-not-to-prod, from: {namespace: dev}, to: {namespace: production}, expect: denied}');
  onlyKeys(entry, ['id', 'description', 'from', 'to', 'ports', 'expect'], field);
  const id = requireString(entry['id'], `${field}.id`, 'dev-not-to-prod');
  if (!ID_PATTERN.test(id)) throw new ExpectationsError(`${field}.id`, `"${id}" is not an id: use lower-case letters, digits and '-', at most 63 characters`);
  const description = entry['description'] === undefined ? undefined : requireString(entry['description'], `${field}.description`, '"No pod of dev reaches production"');
  const expect = entry['expect'];
  if (!EXPECTED_REACH.includes(expect as ExpectedReach)) {
    throw new ExpectationsError(`${field}.expect`, `must be denied, allowed or allowedOnly (allowed on the listed ports, denied on every other), got ${JSON.stringify(expect ?? null)}`);
  }
  if (entry['from'] === undefined) throw new ExpectationsError(`${field}.from`, 'is missing: say which endpoints open the connections, e.g. {namespace: dev}');
  if (entry['to'] === undefined) throw new ExpectationsError(`${field}.to`, 'is missing: say which endpoints receive the connections, e.g. {namespace: production}');
  const from = compileEndpointSelector(entry['from'], `${field}.from`, true);
  const to = compileEndpointSelector(entry['to'], `${field}.to`, true);
  if (from.kind === 'addresses' && to.kind === 'addresses') {
    throw new ExpectationsError(`${field}.to`, 'traffic between two outside addresses never meets a NetworkPolicy: one side must select pods');
  }
  let ports: PortRangeSpec[] | undefined;
  if (entry['ports'] !== undefined) {
    if (!Array.isArray(entry['ports']) || entry['ports'].length === 0) {
      throw new ExpectationsError(`${field}.ports`, 'must be a non-empty list such as ["9090/TCP", "53/UDP"]; leave it out for every port');
    }
    ports = entry['ports'].map((port, index) => compilePortSpec(port, `${field}.ports[${index}]`));
  }
  if (expect === 'allowedOnly' && ports === undefined) {
    throw new ExpectationsError(`${field}.ports`, 'allowedOnly needs the ports that are allowed, e.g. ["9090/TCP"]; to allow every port, use expect: allowed');
  }
  const spec: ExpectationSpec = {
    id,
    ...(description === undefined ? {} : { description }),
    from: from.spec,
    to: to.spec,
    ...(entry['ports'] === undefined ? {} : { ports: (entry['ports'] as string[]).slice() }),
    expect: expect as ExpectedReach,
  };
  return { spec, from, to, ports };
}

function compileLabelSelector(raw: unknown, field: string): CompiledSelector {
  const selector = requireRecord(raw, field, '{matchLabels: {app: web}}');
  onlyKeys(selector, ['matchLabels', 'matchExpressions'], field);
  (Array.isArray(selector['matchExpressions']) ? selector['matchExpressions'] : []).forEach((expression, index) => {
    if (isRecord(expression)) onlyKeys(expression, ['key', 'operator', 'values'], `${field}.matchExpressions[${index}]`);
  });
  try {
    return compileSelector(selector, 'expectations', field);
  } catch (error) {
    if (error instanceof AnalyzerInputError) throw new ExpectationsError(error.field, error.problem);
    throw error;
  }
}

function compileCidrText(raw: unknown, field: string): ParsedCidr {
  const text = requireString(raw, field, '"0.0.0.0/0"');
  const problem = checkCidr(text);
  const parsed = parseCidr(text);
  if (problem !== undefined || !parsed) throw new ExpectationsError(field, problem ?? `"${text}" is not a CIDR: write a network with its prefix length, e.g. "10.0.0.0/16"`);
  return parsed;
}

function compileEndpointSelector(raw: unknown, field: string, allowExcept: boolean): CompiledEndpointSelector {
  const selector = requireRecord(raw, field, '{namespace: production} or {ipBlock: {cidr: 0.0.0.0/0}}');
  onlyKeys(selector, allowExcept ? ['namespace', 'namespaceSelector', 'podSelector', 'ipBlock', 'except'] : ['namespace', 'namespaceSelector', 'podSelector', 'ipBlock'], field);
  const { namespace, namespaceSelector, podSelector, ipBlock } = selector;
  if (ipBlock !== undefined) {
    if (namespace !== undefined || namespaceSelector !== undefined || podSelector !== undefined) {
      throw new ExpectationsError(field, 'ipBlock selects addresses outside the cluster and cannot be combined with namespace or pod selectors: split the assertion');
    }
    const block = requireRecord(ipBlock, `${field}.ipBlock`, '{cidr: 0.0.0.0/0, except: ["10.0.0.0/8"]}');
    onlyKeys(block, ['cidr', 'except'], `${field}.ipBlock`);
    const cidr = compileCidrText(block['cidr'], `${field}.ipBlock.cidr`);
    const exceptRaw = block['except'] ?? [];
    if (!Array.isArray(exceptRaw)) throw new ExpectationsError(`${field}.ipBlock.except`, 'must be a list of CIDRs, e.g. ["10.0.0.0/8"]');
    const except = exceptRaw.map((entry, index) => {
      const parsed = compileCidrText(entry, `${field}.ipBlock.except[${index}]`);
      if (parsed.family !== cidr.family) throw new ExpectationsError(`${field}.ipBlock.except[${index}]`, `is IPv${parsed.family} inside an IPv${cidr.family} cidr: keep one address family per ipBlock`);
      return parsed;
    });
    if (selector['except'] !== undefined) throw new ExpectationsError(`${field}.except`, 'leave addresses out with ipBlock.except, not except');
    const spec = { ipBlock: { cidr: block['cidr'] as string, ...(exceptRaw.length > 0 ? { except: exceptRaw as string[] } : {}) } };
    return { kind: 'addresses', cidr, except, spec };
  }
  if (namespace !== undefined && namespaceSelector !== undefined) {
    throw new ExpectationsError(field, 'give namespace or namespaceSelector, not both');
  }
  if (namespace === undefined && namespaceSelector === undefined) {
    throw new ExpectationsError(field, 'say where the endpoints are: namespace: NAME, namespaceSelector: {} for every namespace, or ipBlock for outside addresses');
  }
  if (namespace !== undefined) {
    const name = requireString(namespace, `${field}.namespace`, 'production');
    const problem = checkNamespaceName(name);
    if (problem !== undefined) throw new ExpectationsError(`${field}.namespace`, problem);
  }
  const compiledNamespaceSelector = namespaceSelector === undefined ? undefined : compileLabelSelector(namespaceSelector, `${field}.namespaceSelector`);
  const compiledPodSelector = podSelector === undefined ? undefined : compileLabelSelector(podSelector, `${field}.podSelector`);
  const exceptRaw = selector['except'];
  if (exceptRaw !== undefined && (!Array.isArray(exceptRaw) || exceptRaw.length === 0)) {
    throw new ExpectationsError(`${field}.except`, 'must be a non-empty list of endpoint selectors, e.g. [{namespace: monitoring}]');
  }
  const except = ((exceptRaw ?? []) as unknown[]).map((entry, index) => {
    const compiled = compileEndpointSelector(entry, `${field}.except[${index}]`, false);
    if (compiled.kind === 'addresses') throw new ExpectationsError(`${field}.except[${index}].ipBlock`, 'pods are never outside addresses: except lists namespace or pod selectors here');
    return compiled;
  });
  const spec: EndpointSelectorSpec = {
    ...(namespace === undefined ? {} : { namespace: namespace as string }),
    ...(namespaceSelector === undefined ? {} : { namespaceSelector: namespaceSelector as LabelSelectorSpec }),
    ...(podSelector === undefined ? {} : { podSelector: podSelector as LabelSelectorSpec }),
    ...(except.length === 0 ? {} : { except: except.map((entry) => entry.spec) }),
  };
  return { kind: 'pods', namespace: namespace as string | undefined, namespaceSelector: compiledNamespaceSelector, podSelector: compiledPodSelector, except, spec };
}

const PORT_PATTERN = /^(?:(any)|(\d{1,5})(?:-(\d{1,5}))?|([a-z0-9][a-z0-9-]*))(?:\/([A-Za-z]+))?$/;

/** Parses `9090`, `9090/TCP`, `1024-65535/TCP`, `metrics/TCP` or `any/UDP`; the protocol defaults to TCP. */
export function compilePortSpec(raw: unknown, field: string): PortRangeSpec {
  const example = 'e.g. "9090/TCP", "53/UDP", "8000-8999/TCP", "metrics/TCP" or "any/SCTP"';
  const text = typeof raw === 'number' ? String(raw) : raw;
  const match = typeof text === 'string' ? PORT_PATTERN.exec(text) : null;
  if (!match) throw new ExpectationsError(field, `${JSON.stringify(raw ?? null)} is not a port: write PORT[/PROTOCOL], ${example}`);
  const [, any, first, last, name, protocolText] = match;
  const protocol = (protocolText ?? 'TCP') as NetworkPolicyProtocol;
  if (!NETWORK_POLICY_PROTOCOLS.includes(protocol)) throw new ExpectationsError(field, `"${protocolText}" is not a protocol: use TCP, UDP or SCTP (upper case)`);
  if (any !== undefined) return { kind: 'range', protocol, first: 1, last: 65535 };
  if (name !== undefined) {
    const problem = checkPortName(name);
    if (problem !== undefined) throw new ExpectationsError(field, problem);
    return { kind: 'named', protocol, name };
  }
  const start = Number(first);
  const end = last === undefined ? start : Number(last);
  if (start < 1 || start > 65535 || end < 1 || end > 65535) throw new ExpectationsError(field, `ports are numbers from 1 to 65535, got "${text as string}"`);
  if (end < start) throw new ExpectationsError(field, `the range "${text as string}" ends before it starts: write FIRST-LAST with FIRST <= LAST`);
  return { kind: 'range', protocol, first: start, last: end };
}
