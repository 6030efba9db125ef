/**
 * Port entries for the options schema: a number or a container port name, a protocol, an
 * optional range end, and the opt-ins for every port or a wide range. An ipBlock takes numbers only.
 */
import { z } from 'zod';
import { checkPortName } from '../model/kubernetes-names.js';
import { NETWORK_POLICY_PROTOCOLS } from '../model/network-policy.js';
import { quotedPortIssue } from './guardrails.js';
import { optInFlag } from './option-fields.js';
import { describeValue } from './option-issues.js';
import { strictObject } from './strict-object.js';

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

export const portList = z.array(port);
export const ipBlockPortList = z.array(ipBlockPort);
