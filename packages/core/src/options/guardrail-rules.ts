/** The guardrails with their bounds, as the chart README lists them. */
import {
  BROADEST_IPV4_PREFIX,
  BROADEST_IPV6_PREFIX,
  DNS_SYSTEM_NAMESPACE,
  INGRESS_CONTROLLER_DEFAULT_PORTS,
  WIDEST_PORT_RANGE,
} from './guardrail-messages.js';
import { SYSTEM_NAMESPACES } from './system-namespaces.js';

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
    rule: 'Every port for the ingress controller (`allowIngressController.ports`)',
    bound: `an empty list; the default is TCP ${INGRESS_CONTROLLER_DEFAULT_PORTS.join(', ')}`,
    why: 'An empty list used to mean every port, so any debug or admin port of a backend was reachable from the controller. The default covers the usual HTTP and HTTPS backend ports; a backend on another port lists it.',
    optIn: '`allowIngressController.opensEveryPort: true`',
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
    why: 'The analyzer and the API server refuse them later; the chart refuses them up front, IPv6 included (templates/_cidr.tpl reads addresses as bit strings, since Go templates have no 128-bit integers).',
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
