/**
 * Lint rules for `cilium.io/v2` CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy. They read
 * the allow sections (`ingress`, `egress`) of `spec` and of every `specs` entry; deny sections can
 * only take traffic away. Each rule enforces one item of docs/pitfalls.md.
 */
import { arrayOf, isRecord } from '../kubernetes/object-fields.js';
import { parseCidr } from '../model/kubernetes-names.js';
import { broadPatternProblem } from '../options/fqdn-egress.js';
import { CILIUM_NAMESPACE_LABEL } from '../templates/cilium-network-policy.js';
import type { CiliumLintRule, LintedCiliumPolicy } from './lint-types.js';
import { isEmptySelector } from './manifest-objects.js';

interface CiliumRuleView {
  readonly direction: 'ingress' | 'egress';
  /** `spec.ingress[0]` or `specs[1].egress[0]` */
  readonly path: string;
  readonly rule: Record<string, unknown>;
  /** The rule's spec (for its endpointSelector). */
  readonly spec: Readonly<Record<string, unknown>>;
}

function ciliumRulesOf(policy: LintedCiliumPolicy): CiliumRuleView[] {
  return policy.specs.flatMap(({ path, spec }) =>
    (['ingress', 'egress'] as const).flatMap((direction) =>
      arrayOf(spec[direction]).flatMap((rule, index) => (isRecord(rule) ? [{ direction, path: `${path}.${direction}[${index}]`, rule, spec }] : [])),
    ),
  );
}

const peerKey = (direction: 'ingress' | 'egress', what: string) => `${direction === 'ingress' ? 'from' : 'to'}${what}`;

/** Entities that mean "outside the cluster" or "everything". */
const WORLD_ENTITIES = ['world', 'world-ipv4', 'world-ipv6', 'all'];

const broadFqdnPattern: CiliumLintRule = {
  id: 'NP020',
  appliesTo: 'CiliumNetworkPolicy',
  name: 'broad-fqdn-pattern',
  severity: 'warning',
  summary: 'A `toFQDNs` matchPattern matches every name (`*`) or names under a whole top-level domain (`*.com`): egress almost anywhere.',
  pitfall: 27,
  *check({ policy }) {
    for (const view of ciliumRulesOf(policy)) {
      if (view.direction !== 'egress') continue;
      for (const [index, selector] of arrayOf(view.rule.toFQDNs).entries()) {
        if (!isRecord(selector) || typeof selector.matchPattern !== 'string') continue;
        const problem = broadPatternProblem(selector.matchPattern.toLowerCase());
        if (!problem) continue;
        yield {
          path: `${view.path}.toFQDNs[${index}].matchPattern`,
          message:
            `matchPattern "${selector.matchPattern}" ${problem}, so it allows egress almost anywhere. Name the domain ("*.example.com"); ` +
            'the template renders such a pattern only with fqdnEgress.allowBroadPatterns.',
        };
      }
    }
  },
};

const worldEntity: CiliumLintRule = {
  id: 'NP021',
  appliesTo: 'CiliumNetworkPolicy',
  name: 'world-peer',
  severity: 'warning',
  summary: 'An allow rule reaches the whole internet: `toEntities`/`fromEntities` `world` or `all`, or a CIDR of `0.0.0.0/0` or `::/0`.',
  pitfall: 27,
  *check({ policy }) {
    for (const view of ciliumRulesOf(policy)) {
      const towards = view.direction === 'ingress' ? 'from' : 'to';
      const ports = isRecord(view.rule) && arrayOf(view.rule.toPorts).length > 0 ? '' : ', on every port';
      const entitiesKey = peerKey(view.direction, 'Entities');
      for (const [index, entity] of arrayOf(view.rule[entitiesKey]).entries()) {
        if (typeof entity !== 'string' || !WORLD_ENTITIES.includes(entity)) continue;
        yield {
          path: `${view.path}.${entitiesKey}[${index}]`,
          message:
            `allows ${view.direction} ${towards} the entity "${entity}" (${entity === 'all' ? 'every endpoint, in and outside the cluster' : 'every address outside the cluster'})${ports}. ` +
            `Name the peers: ${towards}Endpoints for pods, ${towards}CIDRSet for networks${view.direction === 'egress' ? ', toFQDNs for names' : ''}.`,
        };
      }
      for (const key of [peerKey(view.direction, 'CIDR'), peerKey(view.direction, 'CIDRSet')]) {
        for (const [index, entry] of arrayOf(view.rule[key]).entries()) {
          const cidr = typeof entry === 'string' ? entry : isRecord(entry) && typeof entry.cidr === 'string' ? entry.cidr : undefined;
          if (cidr === undefined || parseCidr(cidr)?.prefixLength !== 0) continue;
          yield {
            path: `${view.path}.${key}[${index}]`,
            message: `allows ${view.direction} ${towards} ${cidr}, every ${cidr.includes(':') ? 'IPv6' : 'IPv4'} address${ports}. List the networks the pods need.`,
          };
        }
      }
    }
  },
};

/** Whether an endpoint selector of a rule selects every endpoint of the cluster. */
function selectsEveryEndpoint(selector: unknown, clusterwide: boolean): boolean {
  if (!isRecord(selector)) return false;
  if (isEmptySelector(selector)) return clusterwide;
  if (Object.keys(isRecord(selector.matchLabels) ? selector.matchLabels : {}).length > 0) return false;
  const expressions = arrayOf(selector.matchExpressions);
  return expressions.length > 0 && expressions.every((e) => isRecord(e) && e.key === CILIUM_NAMESPACE_LABEL && e.operator === 'Exists');
}

const allowAllForNamespace: CiliumLintRule = {
  id: 'NP022',
  appliesTo: 'CiliumNetworkPolicy',
  name: 'allow-all-for-every-endpoint',
  severity: 'warning',
  summary: 'An empty `endpointSelector` (every pod of the namespace, or of the cluster) with a rule that allows every pod of the cluster on every port.',
  pitfall: 28,
  *check({ policy }) {
    const clusterwide = policy.namespace === undefined;
    for (const view of ciliumRulesOf(policy)) {
      if (!isEmptySelector(view.spec.endpointSelector) || arrayOf(view.rule.toPorts).length > 0) continue;
      const endpointsKey = peerKey(view.direction, 'Endpoints');
      const everyPod = arrayOf(view.rule[endpointsKey]).findIndex((selector) => selectsEveryEndpoint(selector, clusterwide));
      const clusterEntity = arrayOf(view.rule[peerKey(view.direction, 'Entities')]).indexOf('cluster');
      if (everyPod < 0 && clusterEntity < 0) continue;
      const subject = clusterwide ? 'every pod of the cluster' : `every pod of namespace ${policy.namespace}`;
      yield {
        path: everyPod >= 0 ? `${view.path}.${endpointsKey}[${everyPod}]` : `${view.path}.${peerKey(view.direction, 'Entities')}[${clusterEntity}]`,
        message:
          `with endpointSelector {} this allows ${subject} ${view.direction} ${view.direction === 'ingress' ? 'from' : 'to'} every pod of the cluster on every port: an allow-all. ` +
          'Select the peers by namespace and labels, and list the ports in toPorts.',
      };
    }
  },
};

/** Why Cilium's agent refuses an L7 port rule, or undefined. */
function l7Problem(portRule: Record<string, unknown>, direction: 'ingress' | 'egress'): string | undefined {
  const rules = isRecord(portRule.rules) ? portRule.rules : {};
  const kinds = Object.keys(rules).filter((key) => arrayOf(rules[key]).length > 0 || (key === 'l7' && isRecord(rules[key])));
  if (kinds.length === 0) return undefined;
  const ports = arrayOf<Record<string, unknown>>(portRule.ports).filter(isRecord);
  const dns = kinds.includes('dns');
  if (dns && direction === 'ingress') return 'DNS rules are not allowed on ingress';
  if (ports.length === 0) return dns ? 'port 53 must be specified for DNS rules' : 'L7 rules need a port';
  if (ports.some((port) => port.port === undefined || String(port.port) === '0')) return 'L7 rules can not be used when a port is 0 (every port)';
  const notTcp = ports.find((port) => typeof port.protocol === 'string' && port.protocol.toUpperCase() !== 'TCP');
  if (!dns && notTcp) return `L7 rules can only apply to TCP (not ${String(notTcp.protocol)}) except for DNS rules`;
  return undefined;
}

const l7RuleRefused: CiliumLintRule = {
  id: 'NP023',
  appliesTo: 'CiliumNetworkPolicy',
  name: 'l7-rule-refused',
  severity: 'error',
  summary: 'An L7 rule (`rules.http`, `rules.dns`, ...) on no port, port 0, a non-TCP port (except DNS) or DNS on ingress: the CRD accepts it, Cilium\'s agent refuses the whole policy.',
  pitfall: 29,
  *check({ policy }) {
    for (const view of ciliumRulesOf(policy)) {
      for (const [index, portRule] of arrayOf(view.rule.toPorts).entries()) {
        if (!isRecord(portRule)) continue;
        const problem = l7Problem(portRule, view.direction);
        if (!problem) continue;
        yield {
          path: `${view.path}.toPorts[${index}]`,
          message: `Cilium's agent refuses this policy ("${problem}"), though the API server stores it, so none of its rules is enforced. Give the L7 rule a numeric TCP port (UDP/TCP 53 for DNS, on egress).`,
        };
      }
    }
  },
};

/** Every Cilium rule, in id order. */
export const CILIUM_LINT_RULES: readonly CiliumLintRule[] = [broadFqdnPattern, worldEntity, allowAllForNamespace, l7RuleRefused];
