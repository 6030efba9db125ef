/**
 * A minimal reproduction of each known kube-router deviation (./known-deviations.ts) on the
 * random differential's topology (./random-scenario.ts: namespaces x, y, z with pods a and b,
 * pod IPs 10.244.1-3.10-11, the outside address 203.0.113.20): one policy, and the connections
 * on which kube-router must differ from the spec because of it. docs/dataplane.md shows them.
 */
import type { DeviationId } from './kube-router-model.js';

export interface DeviationReproduction {
  readonly id: DeviationId;
  readonly policies: readonly Record<string, unknown>[];
  /** Every connection (`from>to:port/protocol`) the deviation changes, and no other. */
  readonly connections: readonly string[];
}

const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace, name },
  spec,
});

export const DEVIATION_REPRODUCTIONS: readonly DeviationReproduction[] = [
  {
    // Ingress to every pod of x is denied, egress from them allowed: x/a -> x/b must be denied.
    id: 'policy-chain-shared-by-both-directions',
    policies: [policy('x', 'deny-ingress-allow-egress', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [{}] })],
    connections: ['x/a>x/b:80/TCP', 'x/a>x/b:81/TCP', 'x/a>x/b:53/UDP', 'x/b>x/a:80/TCP', 'x/b>x/a:81/TCP', 'x/b>x/a:53/UDP'],
  },
  {
    // z/a may send only to a port named dns: an address outside the cluster has no such port.
    id: 'egress-named-port-without-to-matches-any-destination',
    policies: [policy('z', 'egress-named-dns', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 'dns' }] }] })],
    connections: ['z/a>203.0.113.20:53/UDP'],
  },
  {
    // x/a may reach the pods of 10.244.2.0/24 (y/a, y/b) on their port named http (80).
    id: 'egress-named-port-skips-ipblock-peers',
    policies: [
      policy('x', 'egress-ipblock-named-http', {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.244.2.0/24' } }], ports: [{ protocol: 'TCP', port: 'http' }] }],
      }),
    ],
    connections: ['x/a>y/a:80/TCP', 'x/a>y/b:80/TCP'],
  },
  {
    // z/a admits 10.244.0.0/16 but 10.244.1.0/24 OR 10.244.0.0/16 but 10.244.2.0/24: every pod of x and y.
    id: 'ipblock-exceptions-shared-by-a-rules-peers',
    policies: [
      policy('z', 'ingress-two-ipblocks', {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.1.0/24'] } }, { ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.2.0/24'] } }] }],
      }),
    ],
    connections: ['x', 'y'].flatMap((namespace) => ['a', 'b'].flatMap((pod) => ['80/TCP', '81/TCP', '53/UDP'].map((port) => `${namespace}/${pod}>z/a:${port}`))),
  },
];
