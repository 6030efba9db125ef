/**
 * The options schema of template #14: the single source of truth for the TypeScript option
 * types, runtime validation, the JSON Schema behind the chart's `values.schema.json`, and the
 * parameter tables in the docs. Its defaults are the production set.
 */
import { z } from 'zod';

export { SYSTEM_NAMESPACES } from './system-namespaces.js';
export { NamespaceIsolationOptionsError, formatFieldPath, type OptionsIssue } from './option-issues.js';
import { SYSTEM_NAMESPACES } from './system-namespaces.js';
import { checkCidr } from '../model/kubernetes-names.js';
import { GUARDRAIL_MESSAGES, INGRESS_CONTROLLER_DEFAULT_PORTS } from './guardrail-messages.js';
import { guardrailIssues } from './guardrails.js';
import { cidrEntry, cidrRule } from './cidr-fields.js';
import { cidr, enabledFlag, namespaceName } from './option-fields.js';
import { ipBlockPortList, portList, type port } from './port-fields.js';
import { podSelector } from './selector-fields.js';
import { defaultedObject, strictObject } from './strict-object.js';
import { NamespaceIsolationOptionsError, describeIssue, formatFieldPath, nonPlainValue, type OptionsIssue } from './option-issues.js';


const baseOptionsSchema = strictObject({
  targetNamespaces: z
    .array(namespaceName, { error: 'targetNamespaces must be a list of namespace names' })
    .min(1, 'list at least one namespace to isolate, e.g. ["production"]')
    .default(['production'])
    .meta({ description: 'Namespaces that receive the isolation policy set.', uniqueItems: true }),
  clusterCidrs: z.array(cidr).default([]).meta({
    description:
      "The cluster's pod and service CIDRs. CIDRs in nodeCidrs, apiServer.cidrs and allowedEgress that overlap them are refused unless they except them. Empty: not checked.",
  }),
  acknowledgeNoIsolation: z
    .boolean({ error: 'acknowledgeNoIsolation must be true or false' })
    .default(false)
    .meta({ description: 'Opt-in: accept a values set with every layer off, which isolates nothing.' }),
  isolateSystemNamespaces: z
    .boolean({ error: 'isolateSystemNamespaces must be true or false' })
    .default(false)
    .meta({
      description:
        'Allow system namespaces (kube-system, kube-public, kube-node-lease, CNI namespaces) in targetNamespaces. Isolating them can take the cluster down.',
    }),
  defaultDenyIngress: defaultedObject(
    { enabled: enabledFlag('Render layer 1: deny all ingress to every pod of the target namespace.') },
    'Layer 1, default-deny-ingress.',
  ),
  allowSameNamespace: defaultedObject(
    {
      enabled: enabledFlag(
        'Render layer 2: allow traffic between pods of the same namespace (ingress, plus its egress mirror when layer 5 is on).',
      ),
    },
    'Layer 2, allow-same-namespace.',
  ),
  allowIngressController: defaultedObject(
    {
      enabled: enabledFlag('Render layer 3: allow ingress from the ingress controller pods.'),
      namespace: namespaceName.default('ingress-nginx').meta({ description: 'Namespace of the ingress controller.' }),
      podSelector: podSelector
        .default({ matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } })
        .meta({ description: 'Labels of the ingress controller pods (ANDed with the namespace in one peer).' }),
      ports: portList.default(INGRESS_CONTROLLER_DEFAULT_PORTS.map((port) => ({ port, protocol: 'TCP' as const }))).meta({
        description: `Target ports the controller may reach (default: TCP ${INGRESS_CONTROLLER_DEFAULT_PORTS.join(', ')}, the usual HTTP and HTTPS ports). An empty list is refused: use opensEveryPort.`,
      }),
      opensEveryPort: z.boolean({ error: 'opensEveryPort must be true or false' }).default(false).meta({
        description: 'Opt-in: let the controller reach every port of the target pods; ports is then not used.',
      }),
      nodeCidrs: z.array(cidrEntry).default([]).meta({
        description: 'Fallback for a hostNetwork controller, whose traffic comes from node IPs: node CIDRs to allow. Empty: none.',
      }),
    },
    'Layer 3, allow-ingress-controller.',
  ),
  allowMonitoring: defaultedObject(
    {
      enabled: enabledFlag('Render layer 4: allow Prometheus to scrape the metrics ports.'),
      namespace: namespaceName.default('monitoring').meta({ description: 'Namespace of Prometheus.' }),
      podSelector: podSelector
        .default({ matchLabels: { 'app.kubernetes.io/name': 'prometheus' } })
        .meta({ description: 'Labels of the Prometheus pods (ANDed with the namespace in one peer).' }),
      ports: portList
        .min(1, 'list the metrics ports; an empty list would open every port to Prometheus')
        .default([{ port: 9090, protocol: 'TCP' }])
        .meta({ description: 'Metrics ports Prometheus may scrape.' }),
    },
    'Layer 4, allow-monitoring.',
  ),
  denyEgressExceptDns: defaultedObject(
    {
      enabled: enabledFlag('Render layer 5: deny all egress except DNS (and the opt-in extras below).'),
      dns: defaultedObject(
        {
          namespace: namespaceName.default('kube-system').meta({ description: 'Namespace of the cluster DNS pods.' }),
          podSelector: podSelector
            .default({ matchLabels: { 'k8s-app': 'kube-dns' } })
            .meta({ description: 'Labels of the cluster DNS pods (CoreDNS keeps k8s-app: kube-dns).' }),
          opensCustomNamespace: z.boolean({ error: 'opensCustomNamespace must be true or false' }).default(false).meta({
            description: 'Opt-in: allow a DNS namespace other than kube-system (DNS egress then goes to pods there).',
          }),
        },
        'Where DNS egress may go: UDP and TCP 53, to these pods only.',
      ),
      nodeLocalDns: defaultedObject(
        {
          enabled: z.boolean({ error: 'enabled must be true or false' }).default(false).meta({
            description: 'Also allow DNS to the NodeLocal DNSCache address (hostNetwork, so selectors cannot match it).',
          }),
          ip: z
            .string()
            .superRefine((value, ctx) => {
              const problem = checkCidr(`${value}/32`);
              if (problem) ctx.addIssue({ code: 'custom', message: `"${value}" is not an IPv4 address. Fix: use e.g. "169.254.20.10"` });
            })
            .default('169.254.20.10')
            .meta({
              description: 'NodeLocal DNSCache link-local IPv4 address (169.254.0.0/16).',
              pattern: '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$',
            }),
          opensNonLinkLocalIp: z.boolean({ error: 'opensNonLinkLocalIp must be true or false' }).default(false).meta({
            description: 'Opt-in: allow a NodeLocal DNSCache ip outside 169.254.0.0/16 (DNS egress to that server).',
          }),
        },
        'Opt-in: NodeLocal DNSCache.',
      ),
      apiServer: defaultedObject(
        {
          enabled: z.boolean({ error: 'enabled must be true or false' }).default(false).meta({
            description: 'Allow egress to the Kubernetes API server endpoints.',
          }),
          cidrs: z.array(cidrEntry).default([]).meta({
            description: 'API server endpoint CIDRs (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes).',
          }),
          ports: ipBlockPortList.min(1, 'list the API server port, e.g. [{port: 6443}]').default([{ port: 6443, protocol: 'TCP' }]).meta({
            description: 'API server endpoint ports, after DNAT (6443; k3s 6444).',
          }),
        },
        'Opt-in: API server egress, bound to its endpoint CIDRs.',
      ).meta({
        // Mirrors the superRefine below for Helm: enabled without CIDRs would be a ports-only rule.
        if: { properties: { enabled: { const: true } }, required: ['enabled'] },
        then: { properties: { cidrs: { minItems: 1 } }, required: ['cidrs'] },
      }),
      allowedEgress: z.array(cidrRule).default([]).meta({
        description: 'Opt-in allow-list: each entry opens egress to one CIDR (minus except) on the listed ports.',
      }),
    },
    'Layer 5, deny-egress-except-dns.',
  ),
})
  .superRefine((options, ctx) => {
    const seen = new Set<string>();
    options.targetNamespaces.forEach((name, index) => {
      if (seen.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['targetNamespaces', index], message: `"${name}" is listed twice. Fix: list each namespace once` });
      }
      seen.add(name);
      if (!options.isolateSystemNamespaces && SYSTEM_NAMESPACES.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targetNamespaces', index],
          message: GUARDRAIL_MESSAGES.systemNamespace(name),
        });
      }
    });
    const api = options.denyEgressExceptDns.apiServer;
    if (api.enabled && api.cidrs.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['denyEgressExceptDns', 'apiServer', 'cidrs'],
        message:
          'apiServer is enabled but has no CIDRs, which would leave a ports-only rule open to every address. ' +
          'Fix: list the API server endpoint CIDRs, e.g. ["10.0.0.10/32"]',
      });
    }
  })
  .meta({
    title: 'NamespaceIsolationOptions',
    description: 'Options of template #14, Namespace Isolation (CIS 5.3.2).',
    // The system-namespace refusal is not in the JSON Schema (Helm would only say "'not' failed"):
    // the chart's guardrails template gives the message above.
  });

/** Options after defaults and the per-field checks, before the guardrails. */
export type BaseResolvedOptions = z.output<typeof baseOptionsSchema>;
/** A CIDR list entry: the network, or the network with its opt-ins. */
export type CidrEntry = z.output<typeof cidrEntry>;
/** A resolved port entry. */
export type PortEntry = z.output<typeof port>;
/** A resolved pod selector of a peer. */
export type SelectorOption = z.output<typeof podSelector>;

/** The namespace-isolation options, with every default applied (the input type is {@link NamespaceIsolationOptions}). */
export const namespaceIsolationOptionsSchema = baseOptionsSchema.superRefine((options, ctx) => {
  for (const issue of guardrailIssues(options)) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
});

/** `T` with every nested object and array read-only, as option types should be. */
type DeepReadonly<T> = T extends (infer Item)[]
  ? readonly DeepReadonly<Item>[]
  : T extends object
    ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
    : T;

/**
 * Options as a caller writes them: every field optional, defaults give the production set.
 * Read-only throughout, so `as const` data and the model's read-only types (a `LabelSelector`)
 * can be passed as they are.
 */
export type NamespaceIsolationOptions = DeepReadonly<z.input<typeof namespaceIsolationOptionsSchema>>;

/** Options with every default applied, as the policy set builder reads them. */
export type ResolvedNamespaceIsolationOptions = z.output<typeof namespaceIsolationOptionsSchema>;

/** Result of {@link validateNamespaceIsolationOptions}. */
export type OptionsValidation =
  | { readonly ok: true; readonly options: ResolvedNamespaceIsolationOptions }
  | { readonly ok: false; readonly issues: readonly OptionsIssue[] };

/** Validates options and applies defaults, returning every problem instead of throwing. */
export function validateNamespaceIsolationOptions(input: unknown = {}): OptionsValidation {
  const foreign = nonPlainValue(input, []);
  if (foreign) return { ok: false, issues: [foreign] };
  const result = namespaceIsolationOptionsSchema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, options: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatFieldPath(issue.path), message: describeIssue(issue) })),
  };
}

/**
 * Validates options and applies defaults.
 * @throws {NamespaceIsolationOptionsError} naming each bad field and its fix.
 */
export function resolveNamespaceIsolationOptions(input: unknown = {}): ResolvedNamespaceIsolationOptions {
  const result = validateNamespaceIsolationOptions(input);
  if (!result.ok) throw new NamespaceIsolationOptionsError(result.issues);
  return result.options;
}

/** JSON Schema (draft 2020-12) of the options as a caller writes them; strict: unknown keys are rejected. */
export function namespaceIsolationOptionsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(namespaceIsolationOptionsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
