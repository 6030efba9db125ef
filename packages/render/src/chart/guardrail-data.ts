/**
 * The data behind the chart's `_guardrails.tpl`: the core's guardrail sentences as Go printf
 * formats, and its bounds. Generated, so Helm and the core cannot word or bound a rule apart.
 */
import {
  BROADEST_IPV4_PREFIX,
  BROADEST_IPV6_PREFIX,
  DNS_SYSTEM_NAMESPACE,
  ENVIRONMENT_NAMESPACES,
  GLOBAL_OPT_INS,
  GUARDRAIL_MESSAGES,
  LINK_LOCAL_PREFIX,
  NAME_MESSAGES,
  SYSTEM_NAMESPACES,
  WIDEST_PORT_RANGE,
} from '@k8s-security-pro/core';

const HEX = '[0-9a-fA-F]{1,4}';
/**
 * An IPv6 address without an embedded IPv4 tail (RFC 4291 2.2 forms 1 and 2), in RE2 syntax.
 * Helm has no IP parser; the core parses addresses in code, and a test holds the two together.
 */
export const IPV6_ADDRESS_PATTERN =
  `^((${HEX}:){7}${HEX}|(${HEX}:){1,7}:|(${HEX}:){1,6}:${HEX}|(${HEX}:){1,5}(:${HEX}){1,2}|(${HEX}:){1,4}(:${HEX}){1,3}|` +
  `(${HEX}:){1,3}(:${HEX}){1,4}|(${HEX}:){1,2}(:${HEX}){1,5}|${HEX}:(:${HEX}){1,6}|:((:${HEX}){1,7}|:))$`;

/** A message function as a printf format: argument n becomes `%[n]s`, so a sentence may use one twice. */
function printfFormat(message: (...args: string[]) => string): string {
  const format = message(...Array.from({ length: message.length }, (_, index) => `%[${index + 1}]s`));
  const literalPercents = format.replace(/%\[\d+\]s/g, '').includes('%');
  if (literalPercents) throw new Error(`chart-builder: a guardrail message holds a literal '%': ${format}`);
  return format;
}

/** The sentences and bounds, as the map `_guardrails.tpl` reads with fromYaml. */
export function guardrailData(): Record<string, unknown> {
  const messages = { ...GUARDRAIL_MESSAGES, ...NAME_MESSAGES } as Record<string, (...args: string[]) => string>;
  return {
    messages: Object.fromEntries(Object.entries(messages).map(([name, message]) => [name, printfFormat(message)])),
    globalOptIns: [...GLOBAL_OPT_INS],
    systemNamespaces: [...SYSTEM_NAMESPACES],
    environmentNamespaces: [...ENVIRONMENT_NAMESPACES],
    dnsSystemNamespace: DNS_SYSTEM_NAMESPACE,
    linkLocalPrefix: LINK_LOCAL_PREFIX,
    broadestIpv4Prefix: BROADEST_IPV4_PREFIX,
    broadestIpv6Prefix: BROADEST_IPV6_PREFIX,
    widestPortRange: WIDEST_PORT_RANGE,
    ipv6Pattern: IPV6_ADDRESS_PATTERN,
  };
}
