import { describe, expect, it } from 'vitest';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import {
  NamespaceIsolationOptionsError,
  SYSTEM_NAMESPACES,
  formatFieldPath,
  namespaceIsolationOptionsJsonSchema,
  resolveNamespaceIsolationOptions,
  validateNamespaceIsolationOptions,
  type OptionsIssue,
} from './namespace-isolation-options.js';

/** The issues of options that must be invalid. */
function issuesOf(input: unknown): readonly OptionsIssue[] {
  const result = validateNamespaceIsolationOptions(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected, but it was accepted`);
  return result.issues;
}

/** Options with one egress allow-list entry, for the CIDR cases. */
function egressTo(entry: Record<string, unknown>) {
  return { denyEgressExceptDns: { allowedEgress: [{ ports: [{ port: 443 }], ...entry }] } };
}

function monitoringPort(entry: Record<string, unknown>) {
  return { allowMonitoring: { ports: [entry] } };
}

function controllerSelector(selector: unknown) {
  return { allowIngressController: { podSelector: selector } };
}

const TOP_LEVEL_KEYS =
  '"targetNamespaces", "clusterCidrs", "acknowledgeNoIsolation", "isolateSystemNamespaces", "defaultDenyIngress", "allowSameNamespace", ' +
  '"allowIngressController", "allowMonitoring", "denyEgressExceptDns"';

/** [what is wrong, input, field path, what the message must say]. */
const BAD_INPUTS: ReadonlyArray<readonly [string, unknown, string, RegExp]> = [
  // Namespace names (RFC 1123 labels).
  ['an upper-case namespace', { targetNamespaces: ['Production'] }, 'targetNamespaces[0]', /"Production" is not a valid namespace name.*e\.g\. "production"/],
  ['a namespace with an underscore', { targetNamespaces: ['team_a'] }, 'targetNamespaces[0]', /"team_a" is not a valid namespace name.*e\.g\. "team-a"/],
  ['a namespace over 63 characters', { targetNamespaces: ['n'.repeat(64)] }, 'targetNamespaces[0]', /is not a valid namespace name: use at most 63/],
  ['a namespace with a leading dash', { targetNamespaces: ['-prod'] }, 'targetNamespaces[0]', /"-prod" is not a valid namespace name.*e\.g\. "prod"/],
  ['an empty namespace name', { targetNamespaces: [''] }, 'targetNamespaces[0]', /"" is not a valid namespace name.*e\.g\. "my-namespace"/],
  ['a bad ingress controller namespace', { allowIngressController: { namespace: 'Ingress_Nginx' } }, 'allowIngressController.namespace', /"Ingress_Nginx" is not a valid namespace name/],
  ['a bad DNS namespace', { denyEgressExceptDns: { dns: { namespace: 'kube.system' } } }, 'denyEgressExceptDns.dns.namespace', /"kube\.system" is not a valid namespace name/],
  // Target list.
  ['an empty target list', { targetNamespaces: [] }, 'targetNamespaces', /list at least one namespace to isolate/],
  ['a namespace listed twice', { targetNamespaces: ['a', 'b', 'a'] }, 'targetNamespaces[2]', /"a" is listed twice\. Fix: list each namespace once/],
  ['a system namespace without the override', { targetNamespaces: ['production', 'kube-system'] }, 'targetNamespaces[1]', /"kube-system" is a system namespace.*isolateSystemNamespaces: true/],
  ['a CNI namespace without the override', { targetNamespaces: ['calico-system'] }, 'targetNamespaces[0]', /"calico-system" is a system namespace/],
  // Labels.
  ['a label key with a bad prefix', controllerSelector({ matchLabels: { 'Example.COM/app': 'x' } }), 'allowIngressController.podSelector.matchLabels["Example.COM/app"]', /invalid prefix "Example\.COM".*lowercase DNS subdomain/],
  ['a label key with a space', controllerSelector({ matchLabels: { 'my app': 'x' } }), 'allowIngressController.podSelector.matchLabels["my app"]', /label key "my app" is invalid: its name part/],
  ['a label value with a space', controllerSelector({ matchLabels: { app: 'ingress nginx' } }), 'allowIngressController.podSelector.matchLabels.app', /label value "ingress nginx" is invalid/],
  ['a label value over 63 characters', controllerSelector({ matchLabels: { app: 'v'.repeat(64) } }), 'allowIngressController.podSelector.matchLabels.app', /is invalid: use at most 63/],
  ['a label value that is a number', controllerSelector({ matchLabels: { app: 5 } }), 'allowIngressController.podSelector.matchLabels.app', /expected a string, got a number/],
  ['a bad matchExpressions value', controllerSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a/b'] }] }), 'allowIngressController.podSelector.matchExpressions[0].values[0]', /label value "a\/b" is invalid/],
  // Selectors.
  ['an empty pod selector', controllerSelector({}), 'allowIngressController.podSelector', /empty, so it would match every pod of the namespace/],
  ['a pod selector with empty matchLabels', { allowMonitoring: { podSelector: { matchLabels: {} } } }, 'allowMonitoring.podSelector', /would match every pod/],
  ['an empty DNS pod selector', { denyEgressExceptDns: { dns: { podSelector: { matchExpressions: [] } } } }, 'denyEgressExceptDns.dns.podSelector', /would match every pod/],
  ['In without values', controllerSelector({ matchExpressions: [{ key: 'app', operator: 'In' }] }), 'allowIngressController.podSelector.matchExpressions[0].values', /operator "In" needs a non-empty values list/],
  ['NotIn with an empty values list', controllerSelector({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: [] }] }), 'allowIngressController.podSelector.matchExpressions[0].values', /operator "NotIn" needs a non-empty values list/],
  ['Exists with values', controllerSelector({ matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] }), 'allowIngressController.podSelector.matchExpressions[0].values', /operator "Exists" takes no values\. Fix: remove values/],
  ['an unknown operator', controllerSelector({ matchExpressions: [{ key: 'app', operator: 'in', values: ['x'] }] }), 'allowIngressController.podSelector.matchExpressions[0].operator', /operator must be one of "In", "NotIn", "Exists", "DoesNotExist"/],
  // Ports.
  ['port 0', monitoringPort({ port: 0 }), 'allowMonitoring.ports[0].port', /port 0 is outside 1-65535/],
  ['port 65536', monitoringPort({ port: 65536 }), 'allowMonitoring.ports[0].port', /port 65536 is outside 1-65535/],
  ['a non-integer port', monitoringPort({ port: 90.5 }), 'allowMonitoring.ports[0].port', /port 90\.5 is not a whole number/],
  ['a boolean port', monitoringPort({ port: true }), 'allowMonitoring.ports[0].port', /port must be a number from 1 to 65535 or a container port name.*got a boolean/],
  ['an upper-case port name', monitoringPort({ port: 'Metrics' }), 'allowMonitoring.ports[0].port', /"Metrics" is not a valid port.*e\.g\. "metrics"/],
  ['a port name over 15 characters', monitoringPort({ port: 'prometheus-metrics' }), 'allowMonitoring.ports[0].port', /"prometheus-metrics" is not a valid port.*at most 15/],
  ['a port name of digits only (a quoted number)', monitoringPort({ port: '9090' }), 'allowMonitoring.ports[0].port', /port "9090" is a quoted number, which Kubernetes reads as a port name. Fix: write it as a number/],
  ['endPort below port', monitoringPort({ port: 9100, endPort: 9000 }), 'allowMonitoring.ports[0].endPort', /endPort 9000 is below port 9100\. Fix: set endPort to 9100 or more/],
  ['endPort with a named port', monitoringPort({ port: 'metrics', endPort: 9100 }), 'allowMonitoring.ports[0].endPort', /endPort needs a numeric port/],
  ['endPort with no port', monitoringPort({ endPort: 9100 }), 'allowMonitoring.ports[0].endPort', /endPort needs a numeric port/],
  ['endPort above 65535', monitoringPort({ port: 9000, endPort: 70000 }), 'allowMonitoring.ports[0].endPort', /endPort 70000 is above 65535/],
  ['a lower-case protocol', monitoringPort({ port: 53, protocol: 'udp' }), 'allowMonitoring.ports[0].protocol', /protocol must be "TCP", "UDP" or "SCTP" \(upper case\)/],
  ['an empty monitoring port list', { allowMonitoring: { ports: [] } }, 'allowMonitoring.ports', /an empty list would open every port to Prometheus/],
  ['an empty ingress controller port list', { allowIngressController: { ports: [] } }, 'allowIngressController.ports', /the list is empty, so the ingress controller reaches every port of every target pod\. Fix: .*allowIngressController\.opensEveryPort: true/],
  ['an egress entry with no ports', egressTo({ cidr: '10.0.0.0/8', ports: [] }), 'denyEgressExceptDns.allowedEgress[0].ports', /give at least one port/],
  ['a named port on an egress CIDR', egressTo({ cidr: '10.0.0.0/8', ports: [{ port: 'https' }] }), 'denyEgressExceptDns.allowedEgress[0].ports[0].port', /port "https" is a container port name, which cannot match an ipBlock/],
  ['a named API server port', { denyEgressExceptDns: { apiServer: { enabled: true, cidrs: ['10.0.0.1/32'], ports: [{ port: 'https' }] } } }, 'denyEgressExceptDns.apiServer.ports[0].port', /cannot match an ipBlock.*use the port number/],
  // CIDRs.
  ['a CIDR with no prefix length', egressTo({ cidr: '10.20.0.1' }), 'denyEgressExceptDns.allowedEgress[0].cidr', /address without a prefix length: did you mean "10\.20\.0\.1\/32"\?/],
  ['a CIDR with host bits set', egressTo({ cidr: '10.20.0.1/24' }), 'denyEgressExceptDns.allowedEgress[0].cidr', /host bits set: did you mean the network "10\.20\.0\.0\/24"/],
  ['a CIDR with an octet above 255', egressTo({ cidr: '10.20.0.256/32' }), 'denyEgressExceptDns.allowedEgress[0].cidr', /"10\.20\.0\.256\/32" is not a valid CIDR/],
  ['a CIDR with a prefix above 32', egressTo({ cidr: '10.20.0.0/33' }), 'denyEgressExceptDns.allowedEgress[0].cidr', /"10\.20\.0\.0\/33" is not a valid CIDR/],
  ['a CIDR that is garbage', egressTo({ cidr: 'mirror.internal' }), 'denyEgressExceptDns.allowedEgress[0].cidr', /"mirror\.internal" is not a valid CIDR.*e\.g\. "10\.0\.0\.0\/16"/],
  ['an except outside the cidr', egressTo({ cidr: '10.20.0.0/16', except: ['10.21.0.0/24'] }), 'denyEgressExceptDns.allowedEgress[0].except[0]', /"10\.21\.0\.0\/24" is not inside 10\.20\.0\.0\/16/],
  ['an except equal to the cidr', egressTo({ cidr: '10.20.0.0/16', except: ['10.20.0.0/16'] }), 'denyEgressExceptDns.allowedEgress[0].except[0]', /is not inside 10\.20\.0\.0\/16.*strict sub-ranges/],
  ['a node CIDR with host bits set', { allowIngressController: { nodeCidrs: ['192.168.1.7/24'] } }, 'allowIngressController.nodeCidrs[0]', /did you mean the network "192\.168\.1\.0\/24"/],
  ['an IPv6 API server CIDR with host bits set', { denyEgressExceptDns: { apiServer: { enabled: true, cidrs: ['fd00::1/64'] } } }, 'denyEgressExceptDns.apiServer.cidrs[0]', /did you mean the network "fd00::\/64"/],
  ['a NodeLocal DNS address that is not IPv4', { denyEgressExceptDns: { nodeLocalDns: { enabled: true, ip: 'fd00::10' } } }, 'denyEgressExceptDns.nodeLocalDns.ip', /"fd00::10" is not an IPv4 address.*169\.254\.20\.10/],
  ['API server on with no CIDRs', { denyEgressExceptDns: { apiServer: { enabled: true } } }, 'denyEgressExceptDns.apiServer.cidrs', /ports-only rule open to every address.*list the API server endpoint CIDRs/],
  ['an empty API server port list', { denyEgressExceptDns: { apiServer: { enabled: true, cidrs: ['10.0.0.1/32'], ports: [] } } }, 'denyEgressExceptDns.apiServer.ports', /list the API server port/],
  // Unknown keys.
  ['a misspelt top-level key', { targetNamespace: ['production'] }, '(options)', /unknown key "targetNamespace" \(did you mean "targetNamespaces"\?\)/],
  ['`enable` for `enabled`', { allowMonitoring: { enable: false } }, 'allowMonitoring', /unknown key "enable" \(did you mean "enabled"\?\).*"enabled", "namespace", "podSelector", "ports"/],
  ['an unknown key deep in a port', monitoringPort({ port: 9090, protocl: 'TCP' }), 'allowMonitoring.ports[0]', /unknown key "protocl" \(did you mean "protocol"\?\).*"port", "protocol", "endPort"/],
  ['an unknown key with no close match', { denyEgressExceptDns: { dns: { server: '10.0.0.10' } } }, 'denyEgressExceptDns.dns', /unknown key "server"\. Fix: remove it; the keys allowed here are "namespace", "podSelector"/],
  // Wrong types.
  ['a string for a boolean', { defaultDenyIngress: { enabled: 'false' } }, 'defaultDenyIngress.enabled', /enabled must be true or false/],
  ['a string for isolateSystemNamespaces', { isolateSystemNamespaces: 'yes' }, 'isolateSystemNamespaces', /isolateSystemNamespaces must be true or false/],
  ['a string for the target list', { targetNamespaces: 'production' }, 'targetNamespaces', /targetNamespaces must be a list of namespace names/],
  ['a map for a list', { denyEgressExceptDns: { allowedEgress: { cidr: '10.0.0.0/8' } } }, 'denyEgressExceptDns.allowedEgress', /expected a list, got a map\. Fix: set it to a list/],
  ['a string for a layer', { allowMonitoring: 'off' }, 'allowMonitoring', /expected a map, got a string/],
  ['a number for a namespace', { allowIngressController: { namespace: 5 } }, 'allowIngressController.namespace', /expected a string, got a number/],
  ['a list for the whole options', ['production'], '(options)', /expected a map, got a list/],
];

describe('validateNamespaceIsolationOptions', () => {
  it('is given at least 30 distinct bad inputs below', () => {
    expect(new Set(BAD_INPUTS.map(([name]) => name)).size).toBe(BAD_INPUTS.length);
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_INPUTS)('rejects %s, naming the field and the fix', (_name, input, path, message) => {
    const issues = issuesOf(input);
    const issue = issues.find((candidate) => candidate.path === path);
    expect(issue, `issues were ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it.each(BAD_INPUTS)('throws a NamespaceIsolationOptionsError from namespaceIsolation for %s', (_name, input, path) => {
    expect(() => namespaceIsolation(input as never)).toThrow(NamespaceIsolationOptionsError);
    expect(() => namespaceIsolation(input as never)).toThrow(`  - ${path}: `);
  });

  it('lists every allowed top-level key when it meets an unknown one', () => {
    expect(issuesOf({ enabled: true })[0]!.message).toBe(
      `unknown key "enabled". Fix: remove it; the keys allowed here are ${TOP_LEVEL_KEYS}`,
    );
  });

  it('reports every problem at once, not only the first', () => {
    const issues = issuesOf({ targetNamespaces: ['Bad'], allowMonitoring: { ports: [{ port: 0 }] }, extra: true });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['(options)', 'allowMonitoring.ports[0].port', 'targetNamespaces[0]']);
  });

  it('accepts a system namespace once isolateSystemNamespaces is true', () => {
    const result = validateNamespaceIsolationOptions({ targetNamespaces: ['kube-system'], isolateSystemNamespaces: true });
    expect(result.ok).toBe(true);
    expect(namespaceIsolation({ targetNamespaces: ['kube-system'], isolateSystemNamespaces: true })[0]!.metadata.namespace).toBe(
      'kube-system',
    );
  });

  it('refuses every listed system namespace without the override', () => {
    for (const name of SYSTEM_NAMESPACES) {
      expect(issuesOf({ targetNamespaces: [name] })[0]!.message, name).toContain('is a system namespace');
    }
    expect(SYSTEM_NAMESPACES).toEqual(expect.arrayContaining(['kube-system', 'kube-public', 'kube-node-lease']));
  });

  it('accepts a named port where the destination is a pod, and numbers on egress CIDRs', () => {
    const result = validateNamespaceIsolationOptions({
      allowMonitoring: { ports: [{ port: 'metrics' }, { port: 9100, endPort: 9110 }, { port: 8125, protocol: 'UDP' }] },
      allowIngressController: { ports: [{ port: 'http' }], nodeCidrs: ['10.0.0.0/24', 'fd00::/64'] },
      denyEgressExceptDns: {
        apiServer: { enabled: true, cidrs: ['10.0.0.1/32'], ports: [{ port: 6444 }] },
        allowedEgress: [{ cidr: '10.20.0.0/16', except: ['10.20.5.0/24'], ports: [{ port: 443 }] }],
      },
    });
    expect(result.ok).toBe(true);
  });

  it('applies the egress defaults: no except, TCP when the protocol is omitted', () => {
    const result = validateNamespaceIsolationOptions(egressTo({ cidr: '10.0.0.0/16' }));
    expect(result.ok && result.options.denyEgressExceptDns.allowedEgress).toEqual([
      { cidr: '10.0.0.0/16', except: [], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
  });

  it('treats undefined as the defaults', () => {
    expect(validateNamespaceIsolationOptions()).toEqual(validateNamespaceIsolationOptions({}));
  });
});

describe('resolveNamespaceIsolationOptions defaults', () => {
  it('are the production set', () => {
    expect(resolveNamespaceIsolationOptions({})).toEqual({
      targetNamespaces: ['production'],
      clusterCidrs: [],
      acknowledgeNoIsolation: false,
      isolateSystemNamespaces: false,
      defaultDenyIngress: { enabled: true },
      allowSameNamespace: { enabled: true },
      allowIngressController: {
        enabled: true,
        namespace: 'ingress-nginx',
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        ports: [80, 443, 8080, 8443].map((port) => ({ port, protocol: 'TCP' })),
        opensEveryPort: false,
        nodeCidrs: [],
      },
      allowMonitoring: {
        enabled: true,
        namespace: 'monitoring',
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
        ports: [{ port: 9090, protocol: 'TCP' }],
      },
      denyEgressExceptDns: {
        enabled: true,
        dns: { namespace: 'kube-system', podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, opensCustomNamespace: false },
        nodeLocalDns: { enabled: false, ip: '169.254.20.10', opensNonLinkLocalIp: false },
        apiServer: { enabled: false, cidrs: [], ports: [{ port: 6443, protocol: 'TCP' }] },
        allowedEgress: [],
      },
    });
  });

  it('fill in a partly given layer without losing the given fields', () => {
    const options = resolveNamespaceIsolationOptions({ allowMonitoring: { namespace: 'observability' } });
    expect(options.allowMonitoring).toEqual({
      enabled: true,
      namespace: 'observability',
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      ports: [{ port: 9090, protocol: 'TCP' }],
    });
  });

  it('do not share objects between calls, so one caller cannot change another caller\'s defaults', () => {
    const first = resolveNamespaceIsolationOptions({});
    (first.targetNamespaces as string[]).push('mutated');
    expect(resolveNamespaceIsolationOptions({}).targetNamespaces).toEqual(['production']);
  });
});

describe('NamespaceIsolationOptionsError', () => {
  it('carries every issue and lists them one a line, path first', () => {
    let caught: unknown;
    try {
      resolveNamespaceIsolationOptions({ targetNamespaces: ['A', 'kube-system'] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NamespaceIsolationOptionsError);
    const error = caught as NamespaceIsolationOptionsError;
    expect(error.name).toBe('NamespaceIsolationOptionsError');
    expect(error.issues.map((issue) => issue.path)).toEqual(['targetNamespaces[0]', 'targetNamespaces[1]']);
    expect(error.message.split('\n')).toEqual([
      'invalid namespace-isolation options (2 problems):',
      `  - targetNamespaces[0]: ${error.issues[0]!.message}`,
      `  - targetNamespaces[1]: ${error.issues[1]!.message}`,
    ]);
  });

  it('says "1 problem" for one issue', () => {
    expect(() => resolveNamespaceIsolationOptions({ targetNamespaces: [] })).toThrow(/\(1 problem\):\n {2}- targetNamespaces: /);
  });

  it.each(BAD_INPUTS)('keeps stack traces and zod internals out of the message for %s', (_name, input) => {
    let message = '';
    try {
      resolveNamespaceIsolationOptions(input);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid namespace-isolation options/);
    expect(message).not.toMatch(/\n\s+at /);
    expect(message).not.toMatch(/ZodError|Invalid input|\[object Object\]|undefined/);
  });
});

describe('formatFieldPath', () => {
  it('writes paths the way YAML and --set users write them', () => {
    expect(formatFieldPath([])).toBe('(options)');
    expect(formatFieldPath(['allowMonitoring', 'ports', 0, 'port'])).toBe('allowMonitoring.ports[0].port');
    expect(formatFieldPath(['allowMonitoring', 'podSelector', 'matchLabels', 'app.kubernetes.io/name'])).toBe(
      'allowMonitoring.podSelector.matchLabels["app.kubernetes.io/name"]',
    );
  });
});

type JsonSchemaNode = Record<string, unknown>;

/** Every schema node below `node`, with its JSON pointer-ish path, skipping if/then conditions. */
function schemaNodes(node: unknown, path = '#'): Array<[string, JsonSchemaNode]> {
  if (node === null || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap((item, index) => schemaNodes(item, `${path}/${index}`));
  const record = node as JsonSchemaNode;
  const here: Array<[string, JsonSchemaNode]> = 'type' in record ? [[path, record]] : [];
  return [
    ...here,
    ...Object.entries(record)
      .filter(([key]) => key !== 'default' && key !== 'if' && key !== 'then')
      .flatMap(([key, value]) =>
        key === 'properties'
          ? Object.entries(value as JsonSchemaNode).flatMap(([name, child]) => schemaNodes(child, `${path}/properties/${name}`))
          : schemaNodes(value, `${path}/${key}`),
      ),
  ];
}

describe('namespaceIsolationOptionsJsonSchema', () => {
  const schema = namespaceIsolationOptionsJsonSchema();
  const nodes = schemaNodes(schema);
  const objects = nodes.filter(([, node]) => node.type === 'object');

  it('is a draft 2020-12 schema titled after the options type', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('NamespaceIsolationOptions');
    expect(schema.type).toBe('object');
  });

  it('rejects unknown keys at every object level', () => {
    const fixed = objects.filter(([, node]) => 'properties' in node);
    // Root, five layers, dns/nodeLocalDns/apiServer, three pod selectors, their requirements, ports, allowedEgress items.
    expect(fixed.length).toBeGreaterThanOrEqual(20);
    for (const [path, node] of fixed) {
      expect(node.additionalProperties, path).toBe(false);
    }
  });

  it('constrains the values of label maps, the only open-ended objects', () => {
    const maps = objects.filter(([, node]) => !('properties' in node));
    expect(maps.map(([path]) => path.replace(/^.*\/properties\/(\w+)\/properties\/podSelector\//, '…/podSelector/'))).toEqual([
      '…/podSelector/properties/matchLabels',
      '…/podSelector/properties/matchLabels',
      '…/podSelector/properties/matchLabels',
    ]);
    for (const [path, node] of maps) {
      // Keys are checked by the chart's guardrails template, with the core's message: a JSON
      // Schema propertyNames would only say "invalid propertyName".
      expect((node.propertyNames as JsonSchemaNode | undefined)?.pattern, path).toBeUndefined();
      expect((node.additionalProperties as JsonSchemaNode).maxLength, path).toBe(63);
    }
  });

  it('describes every property, so the parameter table can be generated from it', () => {
    for (const [path, node] of objects) {
      for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, JsonSchemaNode>)) {
        expect(child.description, `${path}/properties/${name}`).toEqual(expect.any(String));
      }
    }
  });

  it('carries the production defaults', () => {
    const properties = schema.properties as Record<string, JsonSchemaNode>;
    expect(properties.targetNamespaces!.default).toEqual(['production']);
    expect(properties.isolateSystemNamespaces!.default).toBe(false);
    const layer = (name: string) => (properties[name]!.properties as Record<string, JsonSchemaNode>);
    expect(layer('allowIngressController').namespace!.default).toBe('ingress-nginx');
    expect(layer('allowIngressController').podSelector!.default).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
    expect(layer('allowMonitoring').ports!.default).toEqual([{ port: 9090, protocol: 'TCP' }]);
    expect(layer('defaultDenyIngress').enabled!.default).toBe(true);
    const dns = layer('denyEgressExceptDns').dns!.properties as Record<string, JsonSchemaNode>;
    expect(dns.podSelector!.default).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
  });

  it('bounds port numbers to 1-65535 and protocols to upper case, as Helm validates with this schema alone', () => {
    const ports = nodes.filter(([path, node]) => /\/properties\/(port\/anyOf\/0|port|endPort)$/.test(path) && node.type !== 'string');
    // port and endPort in each of the four port lists: controller, monitoring, apiServer, allowedEgress.
    expect(ports).toHaveLength(8);
    for (const [path, node] of ports) {
      expect(node, path).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535 });
    }
    for (const [path, node] of nodes.filter(([p]) => p.endsWith('/properties/protocol'))) {
      expect(node.enum, path).toEqual(['TCP', 'UDP', 'SCTP']);
    }
  });

  it('allows only port numbers towards CIDRs (allowedEgress, apiServer), where a port name can never match', () => {
    const egress = (schema.properties as Record<string, JsonSchemaNode>).denyEgressExceptDns!.properties as Record<string, JsonSchemaNode>;
    const apiPort = ((egress.apiServer!.properties as Record<string, JsonSchemaNode>).ports!.items as JsonSchemaNode).properties as Record<string, JsonSchemaNode>;
    const allowedItem = (egress.allowedEgress!.items as JsonSchemaNode).properties as Record<string, JsonSchemaNode>;
    const allowedPort = (allowedItem.ports!.items as JsonSchemaNode).properties as Record<string, JsonSchemaNode>;
    for (const portSchema of [apiPort.port!, allowedPort.port!]) {
      expect(portSchema).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535 });
      expect(portSchema).not.toHaveProperty('anyOf');
    }
  });

  it('checks the NodeLocal DNS address is a dotted IPv4 address', () => {
    const egress = (schema.properties as Record<string, JsonSchemaNode>).denyEgressExceptDns!.properties as Record<string, JsonSchemaNode>;
    const ip = (egress.nodeLocalDns!.properties as Record<string, JsonSchemaNode>).ip!;
    const pattern = new RegExp(ip.pattern as string);
    expect(['169.254.20.10', '169.254.25.10', '10.0.0.1'].every((text) => pattern.test(text))).toBe(true);
    expect(['169.254.20.256', 'fd00::10', '169.254.20.10/32', '169.254.20'].some((text) => pattern.test(text))).toBe(false);
  });

  it('requires at least one target namespace and one metrics port', () => {
    const properties = schema.properties as Record<string, JsonSchemaNode>;
    expect(properties.targetNamespaces!.minItems).toBe(1);
    const monitoring = properties.allowMonitoring!.properties as Record<string, JsonSchemaNode>;
    expect(monitoring.ports!.minItems).toBe(1);
  });
});
