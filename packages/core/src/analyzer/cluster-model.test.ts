import { describe, expect, it } from 'vitest';
import { AnalyzerInputError } from './analyzer-input-error.js';
import { clusterModelFromObjects, externalEndpoint } from './cluster-model.js';
import { evaluateConnection } from './reachability.js';

const template = (labels: Record<string, string>, ports: unknown[] = []) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'main', ports }] },
});

function workload(kind: string, name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'shop' }, spec };
}

/** Runs `load` and returns the AnalyzerInputError it throws. */
function inputError(load: () => unknown): AnalyzerInputError {
  try {
    load();
  } catch (error) {
    if (error instanceof AnalyzerInputError) return error;
    throw error;
  }
  throw new Error('expected an AnalyzerInputError');
}

describe('clusterModelFromObjects', () => {
  it('reads pods with labels, IP and container ports, defaulting the protocol to TCP', () => {
    const { model } = clusterModelFromObjects([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'app', ports: [{ containerPort: 8080, name: 'http' }] },
            { name: 'sidecar', ports: [{ containerPort: 9000, protocol: 'UDP' }] },
          ],
        },
        status: { podIP: '10.244.0.7' },
      },
    ]);
    expect(model.endpoints).toEqual([
      {
        id: 'shop/web-1',
        kind: 'Pod',
        namespace: 'shop',
        name: 'web-1',
        labels: { app: 'web' },
        ip: '10.244.0.7',
        ports: [
          { port: 8080, protocol: 'TCP', name: 'http' },
          { port: 9000, protocol: 'UDP' },
        ],
      },
    ]);
  });

  it('makes one IP-less endpoint per workload from its pod template', () => {
    const { model } = clusterModelFromObjects([
      workload('Deployment', 'web', { template: template({ app: 'web' }, [{ containerPort: 80, name: 'http' }]) }),
      workload('StatefulSet', 'db', { template: template({ app: 'db' }) }),
      workload('DaemonSet', 'agent', { template: template({ app: 'agent' }) }),
      workload('ReplicaSet', 'rs', { template: template({ app: 'rs' }) }),
      { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', namespace: 'shop' }, spec: { template: template({ app: 'rc' }) } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'shop' }, spec: { template: template({ app: 'once' }) } },
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'nightly', namespace: 'shop' },
        spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template: template({ app: 'nightly' }, [{ containerPort: 9090 }]) } } },
      },
    ]);
    expect(model.endpoints.map((e) => [e.id, e.kind, e.labels['app'], e.ip, e.ports.map((p) => p.port)])).toEqual([
      ['shop/agent', 'DaemonSet', 'agent', undefined, []],
      ['shop/db', 'StatefulSet', 'db', undefined, []],
      ['shop/nightly', 'CronJob', 'nightly', undefined, [9090]],
      ['shop/once', 'Job', 'once', undefined, []],
      ['shop/rc', 'ReplicationController', 'rc', undefined, []],
      ['shop/rs', 'ReplicaSet', 'rs', undefined, []],
      ['shop/web', 'Deployment', 'web', undefined, [80]],
    ]);
  });

  it('adds the kubernetes.io/metadata.name label to a namespace that lacks it, and notes it', () => {
    const { model, notes } = clusterModelFromObjects([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } }]);
    expect(model.namespaces).toEqual([{ name: 'shop', labels: { team: 'a', 'kubernetes.io/metadata.name': 'shop' } }]);
    expect(notes).toEqual(['added label kubernetes.io/metadata.name=shop to Namespace shop, as Kubernetes does']);
  });

  it('creates a namespace that a pod or policy names without declaring it, and notes it', () => {
    const { model, notes } = clusterModelFromObjects([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ghost' }, spec: { containers: [] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'other' }, spec: { podSelector: {} } },
    ]);
    expect(model.namespaces.map((n) => [n.name, n.labels])).toEqual([
      ['ghost', { 'kubernetes.io/metadata.name': 'ghost' }],
      ['other', { 'kubernetes.io/metadata.name': 'other' }],
    ]);
    expect(notes).toContain('created Namespace ghost, which objects name but the input does not declare, with label kubernetes.io/metadata.name=ghost');
  });

  it('expands List kinds and keeps NetworkPolicies', () => {
    const { model } = clusterModelFromObjects([
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {} } },
          { apiVersion: 'v1', kind: 'PodList', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [] } }] },
        ],
      },
    ]);
    expect(model.policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['shop/deny']);
    expect(model.endpoints.map((e) => e.id)).toEqual(['shop/p']);
  });

  it('skips kinds the analyzer does not use, and hostNetwork pods, with a note', () => {
    const { model, notes } = clusterModelFromObjects([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foo', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'node-agent', namespace: 'kube-system' }, spec: { hostNetwork: true, containers: [] } },
    ]);
    expect(model.endpoints).toEqual([]);
    expect(notes).toEqual([
      'skipped ConfigMap default/foo: not used by the analyzer',
      "skipped Pod kube-system/node-agent: hostNetwork pods are outside NetworkPolicy (their traffic uses the node's IP)",
    ]);
  });

  it.each(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'])(
    'skips a %s whose pod template sets hostNetwork, with a note, and keeps one that does not',
    (kind) => {
      const withHostNetwork = workload(kind, 'node-exporter', { template: { ...template({ app: 'x' }), spec: { hostNetwork: true, containers: [] } } });
      const ordinary = workload(kind, 'web', { template: template({ app: 'web' }) });
      const { model, notes } = clusterModelFromObjects([withHostNetwork, ordinary]);
      expect(model.endpoints.map((e) => e.id)).toEqual(['shop/web']);
      expect(notes).toContain(
        `skipped ${kind} shop/node-exporter: its pod template sets hostNetwork: true, and such pods are outside NetworkPolicy (their traffic uses the node's IP)`,
      );
    },
  );

  it('skips a CronJob whose job template runs hostNetwork pods', () => {
    const cronJob = workload('CronJob', 'backup', { jobTemplate: { spec: { template: { ...template({}), spec: { hostNetwork: true, containers: [] } } } } });
    const { model, notes } = clusterModelFromObjects([cronJob]);
    expect(model.endpoints).toEqual([]);
    expect(notes[0]).toMatch(/^skipped CronJob shop\/backup: its pod template sets hostNetwork: true/);
  });

  it('reads typed lists whose items carry no kind, as a raw API GET returns them', () => {
    const { model } = clusterModelFromObjects([
      { apiVersion: 'v1', kind: 'NamespaceList', items: [{ metadata: { name: 'shop', labels: { team: 'a' } } }] },
      { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [] } }] },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicyList', items: [{ metadata: { name: 'deny', namespace: 'shop' }, spec: {} }] },
    ]);
    expect(model.namespaces.map((n) => [n.name, n.labels['team']])).toEqual([['shop', 'a']]);
    expect(model.endpoints.map((e) => e.id)).toEqual(['shop/p']);
    expect(model.policies.map((p) => p.metadata.name)).toEqual(['deny']);
  });

  it('assumes the default namespace when metadata.namespace is missing, and notes it', () => {
    const { model, notes } = clusterModelFromObjects([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } }]);
    expect(model.endpoints.map((e) => e.id)).toEqual(['default/p']);
    expect(notes[0]).toBe('Pod default/p has no metadata.namespace: assumed "default"');
  });

  it('rejects a pod without a name, naming it by its position', () => {
    const error = inputError(() => clusterModelFromObjects([{ kind: 'ConfigMap', metadata: { name: 'x' } }, { kind: 'Pod', metadata: {}, spec: {} }]));
    expect(error.objectRef).toBe('Pod objects[1]');
    expect(error.field).toBe('metadata.name');
    expect(error.message).toBe('Pod objects[1]: metadata.name: every Pod needs a name: set metadata.name');
  });

  it.each([
    ['missing', {}],
    ['null', { podSelector: null }],
  ])('reads a %s spec.podSelector as {}, as the API server stores it: the policy isolates every pod of its namespace', (_case, spec) => {
    const pod = (name: string, namespace: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace },
      spec: { containers: [{ name: 'main', ports: [{ containerPort: 80 }] }] },
    });
    const objects = [pod('db', 'prod'), pod('client', 'dev')];
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all', namespace: 'prod' }, spec };
    const verdict = (input: unknown[]) => evaluateConnection(clusterModelFromObjects(input).model, 'dev/client', 'prod/db', 80, 'TCP').allowed;
    // The same connection without the policy is allowed, so the denial comes from the podSelector default.
    expect(verdict(objects)).toBe(true);
    expect(verdict([...objects, policy])).toBe(false);
  });

  it('rejects a policy port that is neither a number nor a name', () => {
    const error = inputError(() =>
      clusterModelFromObjects([
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'web', namespace: 'prod' },
          spec: { podSelector: {}, ingress: [{ ports: [{ port: true }] }] },
        },
      ]),
    );
    expect(error.field).toBe('spec.ingress[0].ports[0].port');
    expect(error.message).toBe(
      'NetworkPolicy prod/web: spec.ingress[0].ports[0].port: must be a port number from 1 to 65535 or a container port name, got true',
    );
  });

  it.each([
    [{ ingress: [{ ports: [{ port: '80' }] }] }, 'spec.ingress[0].ports[0].port', 'write 80 without quotes'],
    [{ ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }, 'spec.ingress[0].ports[0].endPort', 'endPort needs a numeric port'],
    [{ ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }, 'spec.ingress[0].ports[0].endPort', 'must be a port number from 90 (port) to 65535, got 80'],
    [{ ingress: [{ ports: [{ protocol: 'tcp' }] }] }, 'spec.ingress[0].ports[0].protocol', 'use TCP, UDP or SCTP'],
    [{ ingress: [{ from: [{}] }] }, 'spec.ingress[0].from[0]', 'a peer needs podSelector, namespaceSelector or ipBlock'],
    [{ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.1' } }] }] }, 'spec.egress[0].to[0].ipBlock.cidr', 'did you mean "10.0.0.1/32"?'],
    [{ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, 'spec.egress[0].to[0]', 'split it into two peers'],
    [{ policyTypes: ['ingress'] }, 'spec.policyTypes[0]', 'use Ingress or Egress'],
    [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } }, 'spec.podSelector.matchExpressions[0].values', 'needs a non-empty list'],
    [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } }, 'spec.podSelector.matchExpressions[0].values', 'takes no values'],
    [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals' }] } }, 'spec.podSelector.matchExpressions[0].operator', 'use In, NotIn, Exists or DoesNotExist'],
    [{ podSelector: { matchLabels: { version: 2 } } }, 'spec.podSelector.matchLabels.version', 'quote it'],
  ])('rejects the malformed spec %j at %s', (spec, field, fix) => {
    const error = inputError(() =>
      clusterModelFromObjects([
        { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'prod' }, spec: { podSelector: {}, ...spec } },
      ]),
    );
    expect(error.field).toBe(field);
    expect(error.message).toContain(fix);
  });

  it('rejects a container port that is not a number', () => {
    const error = inputError(() =>
      clusterModelFromObjects([{ kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ ports: [{ containerPort: 'http' }] }] } }]),
    );
    expect([error.objectRef, error.field]).toEqual(['Pod a/p', 'spec.containers[0].ports[0].containerPort']);
  });

  it('rejects a workload without a pod template', () => {
    const error = inputError(() => clusterModelFromObjects([{ kind: 'CronJob', metadata: { name: 'nightly', namespace: 'a' }, spec: {} }]));
    expect([error.objectRef, error.field]).toEqual(['CronJob a/nightly', 'spec.jobTemplate.spec.template']);
  });

  it('rejects two endpoints with the same id', () => {
    const error = inputError(() =>
      clusterModelFromObjects([
        { kind: 'Pod', metadata: { name: 'web', namespace: 'shop' }, spec: { containers: [] } },
        workload('Deployment', 'web', { template: template({}) }),
      ]),
    );
    expect(error.message).toBe(
      'Deployment shop/web: metadata.name: endpoint id shop/web is already taken by a Pod: analyze them separately, or drop one of them',
    );
  });

  it('skips empty documents with a note and rejects other non-objects', () => {
    const { model, notes } = clusterModelFromObjects([null, { kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [] } }]);
    expect(model.endpoints.map((e) => e.id)).toEqual(['a/p']);
    expect(notes).toEqual(['skipped objects[0]: empty document', 'created Namespace a, which objects name but the input does not declare, with label kubernetes.io/metadata.name=a']);
    expect(() => clusterModelFromObjects(['kind: Pod'])).toThrow('object objects[0]: (object): must be a Kubernetes object with apiVersion, kind and metadata');
  });

  it('rejects an object without a kind', () => {
    expect(() => clusterModelFromObjects([{ metadata: { name: 'x' } }])).toThrow('object objects[0]: kind: every object needs a kind');
  });
});

describe('externalEndpoint', () => {
  it('names the endpoint by its bare IP and places it in no namespace', () => {
    expect(externalEndpoint('203.0.113.10', [{ port: 443, protocol: 'TCP' }])).toEqual({
      id: '203.0.113.10',
      kind: 'External',
      name: '203.0.113.10',
      labels: {},
      ip: '203.0.113.10',
      ports: [{ port: 443, protocol: 'TCP' }],
    });
  });

  it('rejects a CIDR where an address is expected', () => {
    expect(() => externalEndpoint('203.0.113.0/24')).toThrow('"203.0.113.0/24" is not an IP address');
  });
});
