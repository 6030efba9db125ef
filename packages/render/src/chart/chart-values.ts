/**
 * The chart's values: the core's namespace-isolation options plus the chart-only keys (helm test
 * hooks, Helm's `global`). Both halves come from zod schemas, so the values schema, values.yaml
 * and the parameters table all derive from one source.
 */
import { namespaceIsolationOptionsJsonSchema, resolveNamespaceIsolationOptions } from '@k8s-security-pro/core';
import { z } from 'zod';
import { JSON_BANNER } from '../banner.js';
import { chartCiliumDefaults, chartCiliumJsonSchema } from './cilium-values.js';

/** `helm test` hooks: pods that check isolation from inside the cluster. */
export const chartTestsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ description: 'Render the helm test pods (run them with `helm test`).' }),
    image: z
      .string()
      .min(1)
      .default('busybox:1.36')
      .meta({ description: 'Image of the test pods; it needs `sh`, `nslookup`, `nc` and `wget` (busybox has all four).' }),
    dnsName: z
      .string()
      .min(1)
      .default('kubernetes.default.svc.cluster.local')
      .meta({ description: 'Name the DNS test resolves from inside each target namespace.' }),
    crossNamespaceUrl: z
      .string()
      .regex(/^https?:\/\/\S+$/)
      .default('http://kube-dns.kube-system.svc.cluster.local:9153/metrics')
      .meta({
        description:
          'URL in another namespace that must not be reached from inside each target namespace: a timeout (DROP enforcers) or a refusal (REJECT enforcers) passes. It must name a port that listens (default: CoreDNS metrics, which layer 5 does not allow).',
      }),
    crossNamespaceControlPort: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(53)
      .meta({
        description:
          "A TCP port of the URL's host that layer 5 allows (default: DNS over TCP). The check connects there first, so a refusal of the URL can only come from the policy, not from a host that is down or an enforcer that refuses everything.",
      }),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(5)
      .meta({ description: 'Seconds the cross-namespace test waits for each connection before it calls it timed out.' }),
  })
  .meta({ description: 'In-cluster checks run by `helm test`.' });

/** The optional ClusterNetworkPolicy part (docs/cluster-network-policy.md). */
export const chartClusterNetworkPolicySchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta({
        description:
          'Also render ClusterNetworkPolicies (policy.networking.k8s.io/v1beta1): the Admin-tier guardrail and a Baseline-tier default per target namespace. Needs the network-policy-api v0.3.0 CRDs.',
      }),
    environment: z
      .string()
      .default('')
      .meta({
        description: 'Environment name in the Admin guardrail\'s name (k8s-security-environment-<environment>). Empty: the first target namespace.',
        maxLength: 40,
        pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$',
      }),
    otherEnvironmentNamespaces: z
      .array(z.string().meta({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }))
      .default([])
      .meta({ description: 'Namespaces of every other environment: the Admin guardrail denies traffic to and from them on every port. Empty: no Admin guardrail.' }),
  })
  .meta({ description: 'Optional ClusterNetworkPolicy tiers (Admin guardrail between environments, Baseline defaults).' });

/** The chart's `values.schema.json`: strict, with a banner in `$comment`. */
export function chartValuesJsonSchema(): Record<string, unknown> {
  const core = namespaceIsolationOptionsJsonSchema();
  const properties = core.properties as Record<string, unknown>;
  const tests = z.toJSONSchema(chartTestsSchema.prefault({}), { io: 'input' }) as Record<string, unknown>;
  delete tests.$schema;
  const clusterNetworkPolicy = z.toJSONSchema(chartClusterNetworkPolicySchema.prefault({}), { io: 'input' }) as Record<string, unknown>;
  delete clusterNetworkPolicy.$schema;
  return requireMergedDefaults({
    $schema: core.$schema,
    $comment: JSON_BANNER,
    title: 'k8s-security chart values',
    ...Object.fromEntries(Object.entries(core).filter(([key]) => key !== '$schema' && key !== 'title' && key !== 'properties')),
    properties: {
      nameOverride: releaseNameOverride('Replaces the chart name in the app.kubernetes.io/name label and prefixes the policy names with "<release>-<nameOverride>". Empty: no prefix.'),
      fullnameOverride: releaseNameOverride(
        'Prefix of the policy names ("<fullnameOverride>-default-deny-ingress"), so two releases can isolate the same namespaces. Empty: the plain layer names, as on the other routes.',
      ),
      ...properties,
      targetNamespaces: {
        ...(properties.targetNamespaces as Record<string, unknown>),
        description: 'Namespaces that receive the isolation policy set. Empty: the release namespace (helm install -n NAMESPACE).',
        minItems: 0,
        default: [],
      },
      clusterNetworkPolicy,
      tests,
      cilium: chartCiliumJsonSchema(),
      global: { type: 'object', description: "Helm's values shared with parent charts; not used by this chart." },
    },
  });
}

/** A name prefix: empty, or a DNS label that leaves room for the layer names. */
function releaseNameOverride(description: string): Record<string, unknown> {
  return { type: 'string', default: '', maxLength: 40, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$', description };
}

/**
 * Helm validates values after merging them over values.yaml, which has every defaulted key; a
 * key can only be missing because a user set it to `null` (Helm deletes it). So every key with
 * a default is required, down the chain of maps: `allowMonitoring.ports: null` must not quietly
 * become "every port". List items are not merged, so their defaults stay optional.
 */
function requireMergedDefaults(node: Record<string, unknown>): Record<string, unknown> {
  const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
  if (!properties) return node;
  const defaulted = Object.keys(properties).filter((key) => properties[key]!.default !== undefined);
  const required = [...new Set([...((node.required as string[] | undefined) ?? []), ...defaulted])];
  return {
    ...node,
    properties: Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, requireMergedDefaults(child)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

/**
 * The chart's full default values: every option at its default, plus the chart-only keys.
 * targetNamespaces is empty: the chart then isolates the release namespace.
 */
export function chartDefaultValues(): Record<string, unknown> {
  return {
    nameOverride: '',
    fullnameOverride: '',
    ...resolveNamespaceIsolationOptions({}),
    targetNamespaces: [],
    clusterNetworkPolicy: chartClusterNetworkPolicySchema.parse({}),
    tests: chartTestsSchema.parse({}),
    cilium: chartCiliumDefaults(),
  };
}
