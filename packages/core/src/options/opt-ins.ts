/**
 * Opt-ins: the flags that accept what a guardrail refuses. Each in use is listed in NOTES.txt,
 * in the policies' opt-ins annotation, by lint (NP012) and by audit, always in this order.
 */
import { BROADEST_IPV4_PREFIX, BROADEST_IPV6_PREFIX, DNS_SYSTEM_NAMESPACE, WIDEST_PORT_RANGE } from './guardrail-messages.js';
import type { BaseResolvedOptions } from './namespace-isolation-options.js';

/** Opt-ins that accept a whole class of risk rather than one entry; listed first. */
export const GLOBAL_OPT_INS = ['acknowledgeNoIsolation', 'isolateSystemNamespaces'] as const;

/**
 * Every opt-in in use, as option paths (`denyEgressExceptDns.allowedEgress[0].opensBroadNetwork`):
 * the global ones, then every `opens*` flag set to true, walking maps in key order as Helm's
 * `range` does, so NOTES.txt, the policies' opt-ins annotation, lint and audit list the same.
 */
export function optInsInUse(options: BaseResolvedOptions): string[] {
  const found: string[] = GLOBAL_OPT_INS.filter((key) => options[key] === true);
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${path}[${index}]`));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      const childPath = path === '' ? key : `${path}.${key}`;
      if (key.startsWith('opens') && child === true) found.push(childPath);
      else walk(child, childPath);
    }
  };
  walk(options, '');
  return found;
}

/** What each opt-in opens, by its last key: for lint (NP012) and the docs. */
export const OPT_IN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  acknowledgeNoIsolation: 'every layer is off, so nothing is isolated',
  isolateSystemNamespaces: 'a system namespace is isolated, which can cut DNS, the CNI or the control plane off',
  opensBroadNetwork: `a CIDR broader than /${BROADEST_IPV4_PREFIX} (IPv4) or /${BROADEST_IPV6_PREFIX} (IPv6) is allowed, up to every address`,
  opensClusterNetwork: 'a CIDR that overlaps the pod or service ranges (clusterCidrs) is allowed, so pods there are reachable by IP',
  opensEveryPort: 'a port entry without port allows every port of its protocol',
  opensWidePortRange: `a port range wider than ${WIDEST_PORT_RANGE} ports is allowed`,
  opensCustomNamespace: `DNS egress goes to a namespace other than ${DNS_SYSTEM_NAMESPACE}`,
  opensNonLinkLocalIp: 'DNS egress goes to a NodeLocal DNSCache address outside 169.254.0.0/16',
};

/** Opt-ins whose meaning depends on where they sit, by their path without list indexes. */
const OPT_IN_DESCRIPTIONS_BY_PATH: Readonly<Record<string, string>> = {
  'allowIngressController.opensEveryPort': 'the ingress controller reaches every port of the target pods, not only the listed ones',
};

/** What the opt-in at `path` (`denyEgressExceptDns.allowedEgress[0].opensBroadNetwork`) opens. */
export function describeOptIn(path: string): string {
  const key = path.slice(path.lastIndexOf('.') + 1);
  return OPT_IN_DESCRIPTIONS_BY_PATH[path] ?? OPT_IN_DESCRIPTIONS[key] ?? 'it opens more than the default set';
}
