/**
 * The guardrails' bounds and sentences. The messages are the one source: the options schema
 * reports them, and the chart's `_guardrails.tpl` is generated from them (every argument becomes
 * a `%s` of Go's printf), so Helm, `generate` and the TypeScript API refuse a value with the
 * same sentence.
 */
/** Broadest IPv4 prefix accepted without `opensBroadNetwork`: a /16 is one VPC or node network. */
export const BROADEST_IPV4_PREFIX = 16;
/** Broadest IPv6 prefix accepted without `opensBroadNetwork`: a /48 is one site. */
export const BROADEST_IPV6_PREFIX = 48;
/** Widest port range (endPort - port + 1) accepted without `opensWidePortRange`. */
export const WIDEST_PORT_RANGE = 1024;
/**
 * Target ports the ingress controller may reach by default: the usual HTTP and HTTPS ports of
 * backends. Every port needs `allowIngressController.opensEveryPort`.
 */
export const INGRESS_CONTROLLER_DEFAULT_PORTS: readonly number[] = [80, 443, 8080, 8443];
/** The only DNS namespace accepted without `dns.opensCustomNamespace`. */
export const DNS_SYSTEM_NAMESPACE = 'kube-system';
/** NodeLocal DNSCache addresses outside this link-local prefix need `nodeLocalDns.opensNonLinkLocalIp`. */
export const LINK_LOCAL_PREFIX = '169.254.';

/** Every guardrail sentence, with its variable parts as arguments (all strings, for Go's printf). */
export const GUARDRAIL_MESSAGES = {
  systemNamespace: (namespace: string) =>
    `"${namespace}" is a system namespace; isolating it can cut the cluster's own components off. ` +
    'Fix: remove it, or set isolateSystemNamespaces: true once you have tested the policies there',
  exceptOutside: (except: string, cidr: string) => `"${except}" is not inside ${cidr}. Fix: list only strict sub-ranges of cidr in except`,
  broadCidr: (cidr: string, bound: string) =>
    `"${cidr}" is broader than ${bound}, so it opens far more than one network (at /0, every address including every pod). ` +
    'Fix: list the narrower networks you need, or add opensBroadNetwork: true to this entry if that is intended',
  clusterCidr: (cidr: string, cluster: string) =>
    `"${cidr}" overlaps the cluster range ${cluster} from clusterCidrs, and ipBlocks match pod and service IPs, so it opens every pod there. ` +
    `Fix: list "${cluster}" in except, narrow the CIDR, or add opensClusterNetwork: true to this entry if that is intended`,
  everyPort: () =>
    'this port entry has no port, so it opens every port of the protocol. Fix: set port, or add opensEveryPort: true to this entry if that is intended',
  controllerEveryPort: () =>
    'the list is empty, so the ingress controller reaches every port of every target pod. ' +
    `Fix: list the ports your backends serve (default: ${INGRESS_CONTROLLER_DEFAULT_PORTS.join(', ')}), or set allowIngressController.opensEveryPort: true if that is intended`,
  widePortRange: (port: string, endPort: string, bound: string) =>
    `the range ${port}-${endPort} is wider than ${bound} ports. Fix: narrow it, or add opensWidePortRange: true to this entry if that is intended`,
  quotedPort: (value: string) =>
    `port "${value}" is a quoted number, which Kubernetes reads as a port name. Fix: write it as a number (with --set, not --set-string)`,
  selectorNotNarrow: () =>
    'the pod selector has only negative requirements (NotIn, DoesNotExist), so it matches almost every pod of the namespace. ' +
    'Fix: add matchLabels, or a matchExpressions entry with operator In or Exists',
  peerIsTarget: (namespace: string) =>
    `"${namespace}" is also a target namespace; its own isolation would cut this service off. Fix: name the namespace the service really runs in`,
  peerIsEnvironment: (namespace: string) =>
    `"${namespace}" is the namespace of another environment, which would open it to this one. Fix: name the namespace the service really runs in`,
  customDnsNamespace: (namespace: string) =>
    `"${namespace}" is not ${DNS_SYSTEM_NAMESPACE}, where cluster DNS runs (a typo here breaks DNS). ` +
    'Fix: use kube-system, or set denyEgressExceptDns.dns.opensCustomNamespace: true if your DNS runs there',
  nonLinkLocalDns: (ip: string) =>
    `"${ip}" is outside 169.254.0.0/16, where NodeLocal DNSCache listens, so it opens DNS to another server. ` +
    'Fix: use the cache address (e.g. 169.254.20.10), or set denyEgressExceptDns.nodeLocalDns.opensNonLinkLocalIp: true',
  noLayer: () =>
    'every layer is off, so nothing is isolated. Fix: enable at least one layer, or set acknowledgeNoIsolation: true if you really want no policies',
} as const;
