/** CIDR entries for the options schema: a network with its opt-ins, and an ipBlock with `except` and ports. */
import { z } from 'zod';
import { isStrictSubnet, parseCidr } from '../model/kubernetes-names.js';
import { GUARDRAIL_MESSAGES } from './guardrail-messages.js';
import { cidr, optInFlag } from './option-fields.js';
import { describeValue } from './option-issues.js';
import { ipBlockPortList } from './port-fields.js';
import { strictObject } from './strict-object.js';

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
