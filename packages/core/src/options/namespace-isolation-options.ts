/**
 * The options schema of template #14: the single source of truth for the TypeScript option
 * types, runtime validation, the JSON Schema behind the chart's `values.schema.json`, and the
 * parameter tables in the docs. Its defaults are the production set.
 */
import { z } from 'zod';

export { SYSTEM_NAMESPACES } from './system-namespaces.js';
import {
  checkCidr,
  checkLabelKey,
  checkLabelValue,
  checkNamespaceName,
  checkPortName,
  isStrictSubnet,
  parseCidr,
} from '../model/kubernetes-names.js';
import { NETWORK_POLICY_PROTOCOLS } from '../model/network-policy.js';
import { SYSTEM_NAMESPACES } from './system-namespaces.js';
import { GUARDRAIL_MESSAGES, INGRESS_CONTROLLER_DEFAULT_PORTS } from './guardrail-messages.js';
import { guardrailIssues, quotedPortIssue } from './guardrails.js';


/** A strict object: unknown keys are errors that list the keys that do exist. */
function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? unknownKeysMessage((issue as { keys: string[] }).keys, known)
        : undefined,
  });
}

function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const described = keys.map((key) => {
    const close = closestKey(key, known);
    return close ? `"${key}" (did you mean "${close}"?)` : `"${key}"`;
  });
  return `unknown key ${described.join(', ')}. Fix: remove it; the keys allowed here are ${known.map((k) => `"${k}"`).join(', ')}`;
}

/** The known key within edit distance 2 of `key`, if any: catches typos like `enable`. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * A string refined by one of the kubernetes-names checks. `jsonPattern` only feeds the JSON
 * Schema export (Helm validates with it); the check itself gives the precise message.
 */
function checkedString(check: (value: string) => string | undefined, jsonPattern?: RegExp) {
  const schema = z.string().superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
  return jsonPattern ? schema.meta({ pattern: jsonPattern.source }) : schema;
}

const namespaceName = checkedString(checkNamespaceName, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).meta({
  description: 'A namespace name (RFC 1123 label).',
  maxLength: 63,
});

const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_PATTERN = `${IPV4_OCTET}(\\.${IPV4_OCTET}){3}`;
const cidr = checkedString(
  checkCidr,
  new RegExp(`^(${IPV4_PATTERN}/(3[0-2]|[12]?[0-9])|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$`),
).meta({
  description: 'An IPv4 or IPv6 network in CIDR notation, with no host bits set.',
});

const labelKey = checkedString(
  checkLabelKey,
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/,
);
const labelValue = checkedString(checkLabelValue, /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/).meta({ maxLength: 63 });

// Keys are checked here rather than by the record's key schema: that would become a JSON Schema
// `propertyNames`, which Helm reports as a bare "invalid propertyName"; the chart's guardrails
// template gives this message instead.
const labelMap = z
  .record(z.string(), labelValue)
  .superRefine((labels, ctx) => {
    for (const key of Object.keys(labels)) {
      const problem = checkLabelKey(key);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
  })
  .meta({ description: 'Labels, as key: value pairs.' });

const labelSelectorRequirement = strictObject({
  key: labelKey.meta({ description: 'Label key the requirement tests.' }),
  operator: z
    .enum(['In', 'NotIn', 'Exists', 'DoesNotExist'], {
      error: 'operator must be one of "In", "NotIn", "Exists", "DoesNotExist"',
    })
    .meta({ description: 'In, NotIn, Exists or DoesNotExist.' }),
  values: z
    .array(labelValue)
    .optional()
    .meta({ description: 'Label values: required and non-empty for In and NotIn, absent for Exists and DoesNotExist.' }),
}).superRefine((requirement, ctx) => {
  const needsValues = requirement.operator === 'In' || requirement.operator === 'NotIn';
  const count = requirement.values?.length ?? 0;
  if (needsValues && count === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['values'],
      message: `operator "${requirement.operator}" needs a non-empty values list. Fix: add values, or use "Exists"`,
    });
  }
  if (!needsValues && requirement.values !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['values'],
      message: `operator "${requirement.operator}" takes no values. Fix: remove values`,
    });
  }
}).meta({
  // The superRefine above, for Helm.
  allOf: [
    {
      if: { properties: { operator: { enum: ['In', 'NotIn'] } } },
      then: { required: ['values'], properties: { values: { minItems: 1 } } },
    },
    { if: { properties: { operator: { enum: ['Exists', 'DoesNotExist'] } } }, then: { not: { required: ['values'] } } },
  ],
});

/**
 * A pod selector that must name at least one label: in a peer it is ANDed with a namespace,
 * and an empty one would widen "the Prometheus pods" to "every pod of the namespace".
 */
const podSelector = strictObject({
  matchLabels: labelMap.optional(),
  matchExpressions: z
    .array(labelSelectorRequirement)
    .optional()
    .meta({ description: 'Set-based requirements, all of which must hold.' }),
})
  .superRefine((selector, ctx) => {
    const size = Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0);
    if (size === 0) {
      ctx.addIssue({
        code: 'custom',
        message:
          'the pod selector is empty, so it would match every pod of the namespace. ' +
          'Fix: set matchLabels (e.g. {"app.kubernetes.io/name": "prometheus"}) or matchExpressions',
      });
    }
  })
  .meta({
    description: 'Pod label selector (matchLabels and/or matchExpressions); must not be empty.',
    // The superRefine above, for Helm: at least one label or expression.
    anyOf: [
      { required: ['matchLabels'], properties: { matchLabels: { minProperties: 1 } } },
      { required: ['matchExpressions'], properties: { matchExpressions: { minItems: 1 } } },
    ],
  });

const PROTOCOL_FIELD = z
  .enum(NETWORK_POLICY_PROTOCOLS as [string, ...string[]], {
    error: 'protocol must be "TCP", "UDP" or "SCTP" (upper case)',
  })
  .default('TCP')
  .meta({ description: 'TCP, UDP or SCTP.' });

const END_PORT_FIELD = z
  .number({ error: 'endPort must be a number' })
  .int('endPort must be a whole number')
  .min(1, { error: (issue) => `endPort ${String(issue.input)} is outside 1-65535. Fix: use a port from 1 to 65535` })
  .max(65535, { error: (issue) => `endPort ${String(issue.input)} is above 65535. Fix: use at most 65535` })
  .optional()
  .meta({ description: 'Last port of a range starting at the numeric `port` (Kubernetes 1.25+).' });

/** A port number, 1-65535, with messages that name the bad value. */
function portNumber(typeError: string | ((issue: { input?: unknown }) => string)) {
  return z
    .number({ error: typeError })
    .int({ error: (issue) => `port ${String(issue.input)} is not a whole number. Fix: use a port from 1 to 65535` })
    .min(1, { error: (issue) => `port ${String(issue.input)} is outside 1-65535. Fix: use a port from 1 to 65535` })
    .max(65535, { error: (issue) => `port ${String(issue.input)} is outside 1-65535. Fix: use a port from 1 to 65535` });
}

/** One ports entry, with `portField` deciding whether container port names are allowed. */
function portEntry<PortField extends z.ZodType>(portField: PortField) {
  return strictObject({
    port: portField,
    protocol: PROTOCOL_FIELD,
    endPort: END_PORT_FIELD,
    opensEveryPort: optInFlag('Opt-in: accept this entry without `port`, which opens every port of the protocol.'),
    opensWidePortRange: optInFlag(`Opt-in: accept a range (port to endPort) wider than the documented bound.`),
  }).superRefine((entry, ctx) => {
    const value = (entry as { port?: number | string }).port;
    if (typeof value === 'string') {
      const problem = quotedPortIssue(value) ?? checkPortName(value);
      if (problem) ctx.addIssue({ code: 'custom', path: ['port'], message: problem });
    }
    if (entry.endPort !== undefined) {
      if (typeof value !== 'number') {
        ctx.addIssue({
          code: 'custom',
          path: ['endPort'],
          message: 'endPort needs a numeric port to start the range. Fix: set port to a number, or remove endPort',
        });
      } else if (entry.endPort < value) {
        ctx.addIssue({
          code: 'custom',
          path: ['endPort'],
          message: `endPort ${entry.endPort} is below port ${value}. Fix: set endPort to ${value} or more`,
        });
      }
    }
  });
}

/** A port on a destination pod: a number or the name of one of its container ports. */
const port = portEntry(
  z
    .union([portNumber('port must be a number or a port name'), z.string().meta({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', maxLength: 15 })], {
      // Without this, a port that fits neither branch (1.5, true) reports zod's bare "Invalid input".
      error: (issue) =>
        typeof issue.input === 'number'
          ? `port ${String(issue.input)} is not a whole number. Fix: use a port from 1 to 65535, or a container port name`
          : `port must be a number from 1 to 65535 or a container port name such as "metrics", got ${describeValue(issue.input)}`,
    })
    .optional()
    .meta({ description: 'Container port number (1-65535) or name. Omitted: every port of the protocol.' }),
);

/**
 * Named ports resolve against the destination pod's container ports, so a named port never
 * matches an ipBlock destination (pitfall 6): egress rules to CIDRs need numbers. The JSON
 * Schema says so too, so Helm refuses a named port there as well.
 */
function namedPortMessage(name: string): string {
  return (
    `port "${name}" is a container port name, which cannot match an ipBlock (CIDR) destination: ` +
    'named ports resolve against the destination pod. Fix: use the port number'
  );
}

/** A port on an ipBlock destination: numbers only. */
const ipBlockPort = portEntry(
  portNumber((issue) =>
    typeof issue.input === 'string'
      ? namedPortMessage(issue.input)
      : `port must be a number from 1 to 65535, got ${describeValue(issue.input)}`,
  )
    .optional()
    .meta({ description: 'Destination port number (1-65535); a CIDR has no container port names. Omitted: every port of the protocol.' }),
);

/** An opt-in flag: absent or false unless the user accepts what it opens. */
function optInFlag(description: string) {
  return z.boolean({ error: 'an opt-in must be true or false' }).optional().meta({ description });
}

const portList = z.array(port);
const ipBlockPortList = z.array(ipBlockPort);


const CIDR_OPT_INS = {
  opensBroadNetwork: optInFlag('Opt-in: accept a CIDR broader than /16 (IPv4) or /48 (IPv6), such as 0.0.0.0/0.'),
  opensClusterNetwork: optInFlag('Opt-in: accept a CIDR that overlaps clusterCidrs (pod and service IPs) without excepting them.'),
};

/** A CIDR in a list: the network, or `{ cidr, opensBroadNetwork, opensClusterNetwork }` to opt in. */
const cidrEntry = z.union([cidr, strictObject({ cidr, ...CIDR_OPT_INS })], {
  error: (issue) =>
    `expected a CIDR such as "10.0.0.0/16", or {cidr: ..., opensBroadNetwork: true}, got ${describeValue(issue.input)}`,
});

/** An ipBlock: `cidr` minus `except`, where every `except` must lie strictly inside `cidr`. */
const cidrRule = strictObject({
  cidr: cidr.meta({ description: 'Destination network.' }),
  except: z.array(cidr).default([]).meta({ description: 'Sub-ranges of `cidr` to leave out.' }),
  ...CIDR_OPT_INS,
  ports: ipBlockPortList.min(1, 'give at least one port, so the rule is not open on every port').meta({
    description: 'Destination ports.',
  }),
}).superRefine((rule, ctx) => {
  const outer = parseCidr(rule.cidr);
  if (!outer) return;
  rule.except.forEach((text, index) => {
    const inner = parseCidr(text);
    if (inner && !isStrictSubnet(outer, inner)) {
      ctx.addIssue({
        code: 'custom',
        path: ['except', index],
        message: GUARDRAIL_MESSAGES.exceptOutside(text, rule.cidr),
      });
    }
  });
});

const enabledFlag = (description: string) => z.boolean({ error: 'enabled must be true or false' }).default(true).meta({ description });

function defaultedObject<Shape extends z.ZodRawShape>(shape: Shape, description: string) {
  // Every field below has a default, so an absent object resolves to a full one.
  return strictObject(shape)
    .prefault({} as never)
    .meta({ description });
}

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

/** One problem in the options: a field path (`allowMonitoring.ports[0].port`) and what to do. */
export interface OptionsIssue {
  readonly path: string;
  readonly message: string;
}

/** Thrown for invalid options. `message` lists every problem, one line each, path first. */
export class NamespaceIsolationOptionsError extends Error {
  override readonly name = 'NamespaceIsolationOptionsError';
  constructor(readonly issues: readonly OptionsIssue[]) {
    super(
      `invalid namespace-isolation options (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n` +
        issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n'),
    );
  }
}

/** Formats a zod path the way users write it in YAML and Helm's `--set`: `a.b[0].c`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(options)';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = String(segment);
      // Label keys hold '/' and '.', so they are quoted: matchLabels["app.kubernetes.io/name"].
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return `[${JSON.stringify(key)}]`;
      return index === 0 ? key : `.${key}`;
    })
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.message && !issue.message.startsWith('Invalid input')) return `${issue.message}`;
      const received = (issue as { input?: unknown }).input;
      return `expected ${article(issue.expected)}, got ${describeValue(received)}. Fix: set it to ${article(issue.expected)}`;
    }
    case 'invalid_key':
      // A record key failed its own check; its message is the useful one.
      return issue.issues.map((inner) => inner.message).join('; ');
    case 'too_small':
    case 'too_big':
    case 'invalid_value':
    case 'custom':
    case 'unrecognized_keys':
    default:
      return issue.message;
  }
}

/** What a wrong value is, in the words of {@link article}: `a list`, `a map`, `a string`, `null`. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return article(typeof value);
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a map';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * The first value that is not plain data (a Map, a Date, a class instance, a function, null at
 * the top): zod would read a Map as an empty object and quietly apply the defaults.
 */
function nonPlainValue(value: unknown, path: readonly PropertyKey[]): OptionsIssue | undefined {
  const at = formatFieldPath(path);
  if (value === null && path.length === 0) {
    return { path: at, message: 'options are null. Fix: pass an object such as { targetNamespaces: ["production"] }, or nothing for the defaults' };
  }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    return { path: at, message: `expected plain data, got a ${typeof value}. Fix: use strings, numbers, booleans, lists and plain objects` };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nonPlainValue(item, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    return {
      path: at,
      message: `expected a plain object, got a ${kind}. Fix: pass a plain object literal such as { targetNamespaces: ["production"] } (convert a Map with Object.fromEntries)`,
    };
  }
  for (const [key, child] of Object.entries(value)) {
    const found = nonPlainValue(child, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

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
