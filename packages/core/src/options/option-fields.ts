/**
 * The building blocks of the options schema: strict objects that name unknown keys, checked
 * strings (namespaces, CIDRs, label keys and values), pod selectors, port entries and CIDR
 * entries with their opt-ins. namespace-isolation-options.ts assembles them.
 */
import { z } from 'zod';
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
import { GUARDRAIL_MESSAGES } from './guardrail-messages.js';
import { quotedPortIssue } from './guardrails.js';
import { describeValue } from './option-issues.js';

/** A strict object: unknown keys are errors that list the keys that do exist. */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? unknownKeysMessage((issue as { keys: string[] }).keys, known)
        : undefined,
  });
}

export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const described = keys.map((key) => {
    const close = closestKey(key, known);
    return close ? `"${key}" (did you mean "${close}"?)` : `"${key}"`;
  });
  return `unknown key ${described.join(', ')}. Fix: remove it; the keys allowed here are ${known.map((k) => `"${k}"`).join(', ')}`;
}

/** The known key within edit distance 2 of `key`, if any: catches typos like `enable`. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

export function editDistance(a: string, b: string): number {
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
export function checkedString(check: (value: string) => string | undefined, jsonPattern?: RegExp) {
  const schema = z.string().superRefine((value, ctx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
  return jsonPattern ? schema.meta({ pattern: jsonPattern.source }) : schema;
}

export const namespaceName = checkedString(checkNamespaceName, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).meta({
  description: 'A namespace name (RFC 1123 label).',
  maxLength: 63,
});

export const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const IPV4_PATTERN = `${IPV4_OCTET}(\\.${IPV4_OCTET}){3}`;
export const cidr = checkedString(
  checkCidr,
  new RegExp(`^(${IPV4_PATTERN}/(3[0-2]|[12]?[0-9])|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$`),
).meta({
  description: 'An IPv4 or IPv6 network in CIDR notation, with no host bits set.',
});

export const labelKey = checkedString(
  checkLabelKey,
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/,
);
export const labelValue = checkedString(checkLabelValue, /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/).meta({ maxLength: 63 });

// Keys are checked here rather than by the record's key schema: that would become a JSON Schema
// `propertyNames`, which Helm reports as a bare "invalid propertyName"; the chart's guardrails
// template gives this message instead.
export const labelMap = z
  .record(z.string(), labelValue)
  .superRefine((labels, ctx) => {
    for (const key of Object.keys(labels)) {
      const problem = checkLabelKey(key);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
  })
  .meta({ description: 'Labels, as key: value pairs.' });

export const labelSelectorRequirement = strictObject({
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
export const podSelector = strictObject({
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

export const PROTOCOL_FIELD = z
  .enum(NETWORK_POLICY_PROTOCOLS as [string, ...string[]], {
    error: 'protocol must be "TCP", "UDP" or "SCTP" (upper case)',
  })
  .default('TCP')
  .meta({ description: 'TCP, UDP or SCTP.' });

export const END_PORT_FIELD = z
  .number({ error: 'endPort must be a number' })
  .int('endPort must be a whole number')
  .min(1, { error: (issue) => `endPort ${String(issue.input)} is outside 1-65535. Fix: use a port from 1 to 65535` })
  .max(65535, { error: (issue) => `endPort ${String(issue.input)} is above 65535. Fix: use at most 65535` })
  .optional()
  .meta({ description: 'Last port of a range starting at the numeric `port` (Kubernetes 1.25+).' });

/** A port number, 1-65535, with messages that name the bad value. */
export function portNumber(typeError: string | ((issue: { input?: unknown }) => string)) {
  return z
    .number({ error: typeError })
    .int({ error: (issue) => `port ${String(issue.input)} is not a whole number. Fix: use a port from 1 to 65535` })
    .min(1, { error: (issue) => `port ${String(issue.input)} is outside 1-65535. Fix: use a port from 1 to 65535` })
    .max(65535, { error: (issue) => `port ${String(issue.input)} is outside 1-65535. Fix: use a port from 1 to 65535` });
}

/** One ports entry, with `portField` deciding whether container port names are allowed. */
export function portEntry<PortField extends z.ZodType>(portField: PortField) {
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
export const port = portEntry(
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
export function namedPortMessage(name: string): string {
  return (
    `port "${name}" is a container port name, which cannot match an ipBlock (CIDR) destination: ` +
    'named ports resolve against the destination pod. Fix: use the port number'
  );
}

/** A port on an ipBlock destination: numbers only. */
export const ipBlockPort = portEntry(
  portNumber((issue) =>
    typeof issue.input === 'string'
      ? namedPortMessage(issue.input)
      : `port must be a number from 1 to 65535, got ${describeValue(issue.input)}`,
  )
    .optional()
    .meta({ description: 'Destination port number (1-65535); a CIDR has no container port names. Omitted: every port of the protocol.' }),
);

/** An opt-in flag: absent or false unless the user accepts what it opens. */
export function optInFlag(description: string) {
  return z.boolean({ error: 'an opt-in must be true or false' }).optional().meta({ description });
}

export const portList = z.array(port);
export const ipBlockPortList = z.array(ipBlockPort);


export const CIDR_OPT_INS = {
  opensBroadNetwork: optInFlag('Opt-in: accept a CIDR broader than /16 (IPv4) or /48 (IPv6), such as 0.0.0.0/0.'),
  opensClusterNetwork: optInFlag('Opt-in: accept a CIDR that overlaps clusterCidrs (pod and service IPs) without excepting them.'),
};

/** A CIDR in a list: the network, or `{ cidr, opensBroadNetwork, opensClusterNetwork }` to opt in. */
export const cidrEntry = z.union([cidr, strictObject({ cidr, ...CIDR_OPT_INS })], {
  error: (issue) =>
    `expected a CIDR such as "10.0.0.0/16", or {cidr: ..., opensBroadNetwork: true}, got ${describeValue(issue.input)}`,
});

/** An ipBlock: `cidr` minus `except`, where every `except` must lie strictly inside `cidr`. */
export const cidrRule = strictObject({
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

export const enabledFlag = (description: string) => z.boolean({ error: 'enabled must be true or false' }).default(true).meta({ description });

export function defaultedObject<Shape extends z.ZodRawShape>(shape: Shape, description: string) {
  // Every field below has a default, so an absent object resolves to a full one.
  return strictObject(shape)
    .prefault({} as never)
    .meta({ description });
}
