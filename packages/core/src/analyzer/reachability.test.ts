import { describe, expect, it } from 'vitest';
import { namespaceIsolation } from '../templates/namespace-isolation.js';
import { externalEndpoint, type ClusterContainerPort, type ClusterModel, type Protocol } from './cluster-model.js';
import { modelOf, namespace, pod, policy, randomCluster } from './test-support/cluster-objects.js';
import {
  analyzeReachability,
  evaluateConnection,
  explanationText,
  iterateReachability,
  reachabilityStatistics,
  summarizeReachability,
  forEachConnection,
  type Connection,
  type Explanation,
} from './reachability.js';

function allowed(model: ClusterModel, from: string, to: string, port = 80, protocol: Protocol = 'TCP'): boolean {
  return evaluateConnection(model, from, to, port, protocol).allowed;
}

const denyAll = (id: string) => policy(id, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('evaluateConnection', () => {
  it('allows everything when no policy selects either end', () => {
    const model = modelOf(pod('a/client'), pod('b/server'));
    expect(allowed(model, 'a/client', 'b/server')).toBe(true);
  });

  it('treats a policy without policyTypes and without egress rules as ingress-only', () => {
    const model = modelOf(pod('a/client'), pod('a/server'), policy('a/deny-egress-forgot-types', { podSelector: {}, egress: [] }));
    const verdict = evaluateConnection(model, 'a/client', 'a/server', 80, 'TCP');
    expect(verdict.explanation.egress).toEqual({ state: 'not-isolated', reason: 'no-policy' });
    expect(verdict.explanation.ingress).toEqual({ state: 'denied', isolatedBy: ['a/deny-egress-forgot-types'] });
  });

  it('makes a policy without policyTypes govern egress when it has an egress rule', () => {
    const model = modelOf(
      pod('a/client'),
      pod('b/server'),
      policy('a/egress-to-c', { podSelector: {}, ingress: [{}], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'c' } } }] }] }),
    );
    expect(allowed(model, 'a/client', 'b/server')).toBe(false);
  });

  it('isolates for egress only with policyTypes [Egress] and an empty egress list', () => {
    const model = modelOf(pod('a/client'), pod('a/server'), policy('a/deny-egress', { podSelector: {}, policyTypes: ['Egress'] }));
    const verdict = evaluateConnection(model, 'a/client', 'a/server', 80, 'TCP');
    expect(verdict.allowed).toBe(false);
    expect(verdict.explanation.egress).toEqual({ state: 'denied', isolatedBy: ['a/deny-egress'] });
    expect(verdict.explanation.ingress).toEqual({ state: 'not-isolated', reason: 'no-policy' });
  });

  it('lets the empty ingress rule {} allow every source and port, and ingress: [] allow nothing', () => {
    const openModel = modelOf(pod('a/client'), pod('b/server'), policy('b/allow-all', { podSelector: {}, ingress: [{}] }));
    expect(allowed(openModel, 'a/client', 'b/server', 12345, 'UDP')).toBe(true);
    const closedModel = modelOf(pod('a/client'), pod('b/server'), policy('b/deny', { podSelector: {}, ingress: [] }));
    expect(allowed(closedModel, 'a/client', 'b/server')).toBe(false);
  });

  it('applies a policy only to the pods its podSelector selects in its own namespace', () => {
    const model = modelOf(
      pod('a/client'),
      pod('b/server', { labels: { app: 'server' } }),
      pod('b/other', { labels: { app: 'other' } }),
      pod('c/server', { labels: { app: 'server' } }),
      policy('b/deny-server', { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'] }),
    );
    expect(allowed(model, 'a/client', 'b/server')).toBe(false);
    expect(allowed(model, 'a/client', 'b/other')).toBe(true);
    expect(allowed(model, 'a/client', 'c/server')).toBe(true);
  });

  it('needs both the egress of the source and the ingress of the destination', () => {
    const model = modelOf(
      pod('a/client'),
      pod('b/server'),
      policy('a/deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
      policy('b/allow-from-a', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    );
    const verdict = evaluateConnection(model, 'a/client', 'b/server', 80, 'TCP');
    expect(verdict.allowed).toBe(false);
    expect(verdict.explanation.ingress).toEqual({ state: 'allowed', allowedBy: [{ policy: 'b/allow-from-a', direction: 'Ingress', rule: 0 }] });
    expect(verdict.explanation.egress.state).toBe('denied');
  });

  it('unions the rules of every policy that selects the pod', () => {
    const model = modelOf(
      pod('a/client'),
      pod('b/server'),
      denyAll('b/deny-all'),
      policy('b/allow-80', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 80 }] }] }),
      policy('b/allow-81', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 81 }] }] }),
    );
    expect(allowed(model, 'a/client', 'b/server', 80)).toBe(true);
    expect(allowed(model, 'a/client', 'b/server', 81)).toBe(true);
    expect(allowed(model, 'a/client', 'b/server', 82)).toBe(false);
    expect(evaluateConnection(model, 'a/client', 'b/server', 82, 'TCP').explanation.ingress).toEqual({
      state: 'denied',
      isolatedBy: ['b/allow-80', 'b/allow-81', 'b/deny-all'],
    });
  });

  it('reads a podSelector-only peer as pods of the policy namespace', () => {
    const model = modelOf(
      pod('a/web', { labels: { role: 'web' } }),
      pod('b/web', { labels: { role: 'web' } }),
      pod('b/db'),
      policy('b/from-web', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { role: 'web' } } }] }] }),
    );
    expect(allowed(model, 'b/web', 'b/db')).toBe(true);
    expect(allowed(model, 'a/web', 'b/db')).toBe(false);
  });

  it('ANDs namespaceSelector and podSelector in one peer and ORs separate peers', () => {
    const objects = [
      namespace('a', { team: 'x' }),
      namespace('c', { team: 'y' }),
      pod('a/web', { labels: { role: 'web' } }),
      pod('a/job', { labels: { role: 'job' } }),
      pod('c/web', { labels: { role: 'web' } }),
      pod('b/db'),
    ];
    const and = modelOf(
      ...objects,
      policy('b/and', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { role: 'web' } } }] }] }),
    );
    expect([allowed(and, 'a/web', 'b/db'), allowed(and, 'a/job', 'b/db'), allowed(and, 'c/web', 'b/db')]).toEqual([true, false, false]);
    const or = modelOf(
      ...objects,
      policy('b/or', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }, { podSelector: { matchLabels: { role: 'web' } } }] }],
      }),
    );
    // The podSelector-only peer means role=web in namespace b, so c/web stays out.
    expect([allowed(or, 'a/web', 'b/db'), allowed(or, 'a/job', 'b/db'), allowed(or, 'c/web', 'b/db')]).toEqual([true, true, false]);
  });

  it('lets namespaceSelector {} match every pod of every namespace but no external address', () => {
    const model = {
      ...modelOf(pod('a/client'), pod('z/client'), pod('b/server'), policy('b/cluster-only', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })),
    };
    const withExternal: ClusterModel = { ...model, endpoints: [...model.endpoints, externalEndpoint('203.0.113.7')] };
    expect(allowed(withExternal, 'a/client', 'b/server')).toBe(true);
    expect(allowed(withExternal, 'z/client', 'b/server')).toBe(true);
    expect(allowed(withExternal, '203.0.113.7', 'b/server')).toBe(false);
  });

  it('evaluates matchExpressions In, NotIn, Exists and DoesNotExist', () => {
    const pods = [
      pod('a/prod', { labels: { env: 'prod', tier: '' } }),
      pod('a/dev', { labels: { env: 'dev' } }),
      pod('a/bare', { labels: {} }),
    ];
    const sourcesAllowedBy = (expression: Record<string, unknown>) => {
      const model = modelOf(
        ...pods,
        pod('b/server'),
        policy('b/expr', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [expression] } }] }] }),
      );
      return ['a/bare', 'a/dev', 'a/prod'].filter((source) => allowed(model, source, 'b/server'));
    };
    expect(sourcesAllowedBy({ key: 'env', operator: 'In', values: ['prod', 'staging'] })).toEqual(['a/prod']);
    expect(sourcesAllowedBy({ key: 'env', operator: 'NotIn', values: ['prod'] })).toEqual(['a/bare', 'a/dev']);
    expect(sourcesAllowedBy({ key: 'tier', operator: 'Exists' })).toEqual(['a/prod']);
    expect(sourcesAllowedBy({ key: 'tier', operator: 'DoesNotExist' })).toEqual(['a/bare', 'a/dev']);
  });

  it('selects namespaces by their labels, including the kubernetes.io/metadata.name label the loader adds', () => {
    const model = modelOf(
      namespace('monitoring'),
      pod('monitoring/prometheus'),
      pod('other/prometheus'),
      pod('b/server'),
      policy('b/from-monitoring', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }] }] }),
    );
    expect(allowed(model, 'monitoring/prometheus', 'b/server')).toBe(true);
    expect(allowed(model, 'other/prometheus', 'b/server')).toBe(false);
  });

  it('matches an egress ipBlock against destination pod IPs, minus except, with host bits masked', () => {
    const model = modelOf(
      pod('a/client', { ip: '10.0.9.9' }),
      pod('b/inside', { ip: '10.244.1.10' }),
      pod('b/carved-out', { ip: '10.244.2.10' }),
      pod('b/outside', { ip: '192.168.0.1' }),
      policy('a/egress-cidr', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.244.1.10/16', except: ['10.244.2.0/24'] } }] }],
      }),
    );
    expect(allowed(model, 'a/client', 'b/inside')).toBe(true);
    expect(allowed(model, 'a/client', 'b/carved-out')).toBe(false);
    expect(allowed(model, 'a/client', 'b/outside')).toBe(false);
  });

  it('matches an ingress ipBlock against the source pod IP, and never against a workload without IP', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker', namespace: 'a' },
      spec: { template: { metadata: { labels: { app: 'worker' } }, spec: { containers: [{ name: 'w' }] } } },
    };
    const model = modelOf(
      pod('a/client', { ip: '10.1.2.3' }),
      deployment,
      pod('b/server'),
      policy('b/from-cidr', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }),
    );
    expect(allowed(model, 'a/client', 'b/server')).toBe(true);
    expect(allowed(model, 'a/worker', 'b/server')).toBe(false);
  });

  it('never isolates an external endpoint and matches it only through ipBlocks', () => {
    const base = modelOf(
      pod('a/client', { ip: '10.0.0.5' }),
      policy('a/to-internet', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443 }] }] }),
      policy('a/from-partner', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '198.51.100.0/24' } }] }] }),
    );
    const model: ClusterModel = {
      ...base,
      endpoints: [...base.endpoints, externalEndpoint('203.0.113.9', [{ port: 443, protocol: 'TCP' }]), externalEndpoint('198.51.100.4')],
    };
    expect(allowed(model, 'a/client', '203.0.113.9', 443)).toBe(true);
    expect(allowed(model, 'a/client', '203.0.113.9', 80)).toBe(false);
    expect(allowed(model, '198.51.100.4', 'a/client', 8080)).toBe(true);
    expect(allowed(model, '203.0.113.9', 'a/client', 8080)).toBe(false);
    expect(evaluateConnection(model, 'a/client', '203.0.113.9', 443, 'TCP').explanation.ingress).toEqual({ state: 'not-isolated', reason: 'external' });
  });

  it('resolves a named port on the destination container ports, for egress rules too', () => {
    const model = modelOf(
      pod('a/client'),
      pod('b/server', { ports: [{ port: 8080, name: 'http' }, { port: 9000, protocol: 'UDP', name: 'stats' }] }),
      pod('b/other', { ports: [{ port: 8080, name: 'web' }] }),
      policy('a/egress-http', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }, { port: 'stats' }] }] }),
    );
    expect(allowed(model, 'a/client', 'b/server', 8080)).toBe(true);
    expect(allowed(model, 'a/client', 'b/server', 8081)).toBe(false);
    expect(allowed(model, 'a/client', 'b/other', 8080)).toBe(false);
    // `stats` is UDP on the server, but the rule entry defaults to TCP.
    expect(allowed(model, 'a/client', 'b/server', 9000, 'UDP')).toBe(false);
  });

  it('admits ports from port to endPort inclusive, on the entry protocol only', () => {
    const model = modelOf(
      pod('a/client'),
      pod('b/server'),
      policy('b/range', { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP', port: 32000, endPort: 32768 }] }] }),
    );
    expect([31999, 32000, 32768, 32769].map((port) => allowed(model, 'a/client', 'b/server', port, 'UDP'))).toEqual([false, true, true, false]);
    expect(allowed(model, 'a/client', 'b/server', 32000, 'TCP')).toBe(false);
  });

  it('reads a ports entry without a port as every port of its protocol, TCP by default', () => {
    const model = modelOf(
      pod('a/client'),
      pod('b/server'),
      policy('b/any-tcp', { podSelector: {}, ingress: [{ ports: [{}] }] }),
      policy('b/any-sctp', { podSelector: {}, ingress: [{ ports: [{ protocol: 'SCTP' }] }] }),
    );
    expect(allowed(model, 'a/client', 'b/server', 1, 'TCP')).toBe(true);
    expect(allowed(model, 'a/client', 'b/server', 65535, 'SCTP')).toBe(true);
    expect(allowed(model, 'a/client', 'b/server', 53, 'UDP')).toBe(false);
  });

  it('always allows traffic from an endpoint to itself, and says so', () => {
    const model = modelOf(pod('a/solo'), denyAll('a/deny-all'));
    const verdict = evaluateConnection(model, 'a/solo', 'a/solo', 80, 'TCP');
    expect(verdict.allowed).toBe(true);
    expect(verdict.explanation.selfTraffic).toBe(true);
    expect(verdict.explanation.ingress.state).toBe('denied');
    expect(explanationText(verdict.explanation)).toMatch(/^allowed: traffic from an endpoint to itself is always allowed/);
  });

  it('defaults a hand-built container port protocol to TCP when resolving named ports', () => {
    const base = modelOf(pod('a/client'), policy('b/named', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] }));
    // As a JavaScript caller might write it, without the protocol.
    const httpPort = { port: 8080, name: 'http' } as unknown as ClusterContainerPort;
    const server = { id: 'b/server', kind: 'Pod' as const, namespace: 'b', name: 'server', labels: {}, ports: [httpPort] };
    const model: ClusterModel = { ...base, endpoints: [...base.endpoints, server] };
    expect(allowed(model, 'a/client', 'b/server', 8080)).toBe(true);
    expect(analyzeReachability(model, { to: 'b/server' }).map((c) => `${c.protocol}/${c.port}:${c.allowed}`)).toEqual(['TCP/8080:true']);
  });

  it('rejects an unknown endpoint and an invalid port with the fix', () => {
    const model = modelOf(pod('a/client'), pod('b/server'));
    expect(() => evaluateConnection(model, 'a/nope', 'b/server', 80, 'TCP')).toThrow(/no endpoint "a\/nope" in the model: use <namespace>\/<name>/);
    expect(() => evaluateConnection(model, 'a/client', 'b/server', 0, 'TCP')).toThrow(/query: port: must be a port number from 1 to 65535, got 0/);
    expect(() => evaluateConnection(model, 'a/client', 'b/server', 80, 'tcp' as Protocol)).toThrow(/"tcp" is not a protocol: use TCP, UDP or SCTP/);
  });
});

describe('explanationText', () => {
  it('names the policy and rule that allowed each side', () => {
    const model = modelOf(
      pod('a/client'),
      pod('b/server'),
      policy('a/egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53 }] }, { to: [{ namespaceSelector: {} }] }] }),
      policy('b/ingress', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }, {}] }),
    );
    const { explanation } = evaluateConnection(model, 'a/client', 'b/server', 80, 'TCP');
    expect(explanationText(explanation)).toBe(
      'allowed: egress at the source is allowed by policy a/egress egress rule 1; ingress at the destination is allowed by policy b/ingress ingress rule 1',
    );
  });

  it('lists the isolating policies when no rule matched, and says when a side is not isolated', () => {
    const model = modelOf(pod('a/client'), pod('b/server'), policy('b/deny-a', { podSelector: {}, ingress: [] }), policy('b/deny-b', { podSelector: {}, policyTypes: ['Ingress'] }));
    const { explanation } = evaluateConnection(model, 'a/client', 'b/server', 80, 'TCP');
    expect(explanationText(explanation)).toBe(
      'denied: egress at the source is not isolated (no policy selects it for egress); ' +
        'ingress at the destination is denied: isolated for ingress by policy b/deny-a, policy b/deny-b, and no rule matches',
    );
  });

  it('says an external endpoint is never isolated', () => {
    const explanation: Explanation = {
      selfTraffic: false,
      egress: { state: 'not-isolated', reason: 'external' },
      ingress: { state: 'not-isolated', reason: 'no-policy' },
    };
    expect(explanationText(explanation)).toContain('egress at the source is not isolated (an external endpoint is never selected by a policy)');
  });
});

describe('analyzeReachability', () => {
  const model = modelOf(
    pod('b/server', { ports: [{ port: 8080 }, { port: 53, protocol: 'UDP' }, { port: 53 }] }),
    pod('a/client'),
    policy('b/only-dns', { podSelector: {}, ingress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
  );

  it('judges every ordered pair of distinct endpoints on each declared destination port, sorted', () => {
    const connections = analyzeReachability(model).map(({ from, to, port, protocol, allowed }) => ({ from, to, port, protocol, allowed }));
    expect(connections).toEqual([
      { from: 'a/client', to: 'b/server', port: 53, protocol: 'TCP', allowed: false },
      { from: 'a/client', to: 'b/server', port: 53, protocol: 'UDP', allowed: true },
      { from: 'a/client', to: 'b/server', port: 8080, protocol: 'TCP', allowed: false },
    ]);
  });

  it('judges the queried port even where the destination does not declare it', () => {
    const connections = analyzeReachability(model, { port: 9999 });
    expect(connections.map((c) => [c.from, c.to, c.port, c.protocol, c.allowed])).toEqual([
      ['a/client', 'b/server', 9999, 'TCP', false],
      ['b/server', 'a/client', 9999, 'TCP', true],
    ]);
  });

  it('filters by source, destination and protocol', () => {
    expect(analyzeReachability(model, { from: 'b/server' })).toEqual([]);
    expect(analyzeReachability(model, { to: 'b/server', protocol: 'UDP' }).map((c) => c.port)).toEqual([53]);
  });

  it('names external endpoints by their bare IP', () => {
    const withExternal: ClusterModel = { ...model, endpoints: [...model.endpoints, externalEndpoint('198.51.100.1', [{ port: 443, protocol: 'TCP' }])] };
    expect(analyzeReachability(withExternal, { to: '198.51.100.1' }).map((c) => `${c.from}>${c.to}:${c.port}`)).toEqual([
      'a/client>198.51.100.1:443',
      'b/server>198.51.100.1:443',
    ]);
  });

  it('attaches the explanation of each verdict', () => {
    const [first] = analyzeReachability(model, { protocol: 'UDP' });
    expect(first!.explanation!.ingress).toEqual({ state: 'allowed', allowedBy: [{ policy: 'b/only-dns', direction: 'Ingress', rule: 0 }] });
  });
});


describe('iterateReachability', () => {
  it.each([
    ['small clusters with few policies', { namespaces: 3, pods: 40, policies: 8 }, [1, 2, 3, 4, 5, 6]],
    ['clusters with many overlapping policies', { namespaces: 6, pods: 60, policies: 30 }, [7, 8, 9]],
  ])('agrees with the endpoint-by-endpoint evaluator on random %s', (_shape, size, seeds) => {
    for (const seed of seeds) {
      const model = randomCluster(seed, size);
      const disagreements: string[] = [];
      let allowedCount = 0;
      for (const connection of iterateReachability(model)) {
        const direct = evaluateConnection(model, connection.from, connection.to, connection.port, connection.protocol);
        if (direct.allowed) allowedCount++;
        if (direct.allowed !== connection.allowed || JSON.stringify(direct.explanation) !== JSON.stringify(connection.explanation)) {
          disagreements.push(`seed ${seed}: ${connection.from} -> ${connection.to} ${connection.protocol}/${connection.port}`);
        }
      }
      expect(disagreements).toEqual([]);
      // Guards against a generator that makes every verdict the same.
      expect(allowedCount).toBeGreaterThan(0);
    }
  });

  it('works with fewer behaviour groups than endpoints when pods cannot be told apart', () => {
    const pods = Array.from({ length: 200 }, (_, i) => pod(`shop/web-${i}`, { labels: { app: 'web', instance: `${i}` }, ports: [{ port: 80 }] }));
    const model = modelOf(...pods, ...namespaceIsolation({ targetNamespaces: ['shop'] }));
    const statistics = reachabilityStatistics(model);
    expect(statistics.endpoints).toBe(200);
    expect(statistics.groups).toBe(1);
    expect(analyzeReachability(model, { to: 'shop/web-7' }).every((c) => c.allowed)).toBe(true);
  });

  it('emits the same connections as forEachConnection and analyzeReachability', () => {
    const model = randomCluster(11);
    const visited: Connection[] = [];
    const count = forEachConnection(model, {}, (connection) => visited.push(connection));
    expect(count).toBe(visited.length);
    expect([...iterateReachability(model)]).toEqual(visited);
    expect(analyzeReachability(model)).toEqual(visited);
  });

  it('emits connections in sorted order', () => {
    const keys = [...iterateReachability(randomCluster(9))].map((c) => [c.from, c.to, String(c.port).padStart(5, '0'), c.protocol]);
    const protocolRank = { TCP: 0, UDP: 1, SCTP: 2 } as Record<string, number>;
    const sorted = [...keys].sort((a, b) => {
      for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
      return protocolRank[a[3]!]! - protocolRank[b[3]!]!;
    });
    expect(keys).toEqual(sorted);
  });
});

describe('summarizeReachability', () => {
  it('counts what analyzeReachability lists, by group multiplicity', () => {
    for (const seed of [21, 22, 23]) {
      const model = randomCluster(seed);
      const queries = [{}, { port: 80 }, { protocol: 'UDP' as Protocol }, { from: 'a/p1' }, { to: '10.0.1.200' }].filter(
        (query) => !('from' in query) || model.endpoints.some((e) => e.id === query.from),
      );
      for (const query of queries) {
        const listed = analyzeReachability(model, query);
        const summary = summarizeReachability(model, query);
        const allowedCount = listed.filter((c) => c.allowed).length;
        expect({ connections: summary.connections, allowed: summary.allowed, denied: summary.denied }).toEqual({
          connections: listed.length,
          allowed: allowedCount,
          denied: listed.length - allowedCount,
        });
      }
    }
  });

  it('judges each group pair once however many pods share the group', () => {
    const pods = Array.from({ length: 300 }, (_, i) => pod(`shop/web-${i}`, { labels: { app: 'web' }, ports: [{ port: 80 }] }));
    const summary = summarizeReachability(modelOf(...pods, denyAll('shop/deny-all')));
    expect(summary).toEqual({ connections: 300 * 299, allowed: 0, denied: 300 * 299, groupPairs: 1 });
  });
});
