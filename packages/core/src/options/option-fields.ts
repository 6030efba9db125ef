/**
 * The scalar building blocks of the options schema: strings checked by the kubernetes-names
 * rules (namespaces, CIDRs, label keys and values) and the boolean flags. The composite fields
 * live beside them (selector-fields, port-fields, cidr-fields); namespace-isolation-options.ts
 * assembles them all.
 */
import { z } from 'zod';
import { checkCidr, checkLabelKey, checkLabelValue, checkNamespaceName } from '../model/kubernetes-names.js';

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

/** An opt-in flag: absent or false unless the user accepts what it opens. */
export function optInFlag(description: string) {
  return z.boolean({ error: 'an opt-in must be true or false' }).optional().meta({ description });
}

export const enabledFlag = (description: string) => z.boolean({ error: 'enabled must be true or false' }).default(true).meta({ description });
