/**
 * Kubernetes naming and addressing rules, as apimachinery's validation enforces them.
 * Each check returns `undefined` when the value is valid, or a sentence that says what is
 * wrong and how to fix it. The options schema turns these into field-level errors.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SERVICE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * The sentences of the checks below, with their variable parts as string arguments: the chart's
 * guardrails template is generated from them, so Helm refuses a value with the same words.
 */
export const NAME_MESSAGES = {
  labelKeyPrefix: (key: string, prefix: string) =>
    `label key "${key}" has an invalid prefix "${prefix}": the prefix must be a lowercase DNS subdomain such as "app.kubernetes.io"`,
  labelKeyName: (key: string) =>
    `label key "${key}" is invalid: its name part must be 1-63 characters of letters, digits, '-', '_' or '.', ` +
    `starting and ending with a letter or digit, e.g. "app.kubernetes.io/name"`,
  portName: (value: string) =>
    `"${value}" is not a valid port: give a number from 1 to 65535, or a container port name ` +
    `(at most 15 lowercase letters, digits and '-', with at least one letter, e.g. "metrics")`,
  cidrInvalid: (value: string) =>
    `"${value}" is not a valid CIDR: write an IPv4 or IPv6 network with its prefix length, e.g. "10.0.0.0/16"`,
  cidrHostBits: (value: string, canonical: string, address: string, hostPrefix: string) =>
    `"${value}" has host bits set: did you mean the network "${canonical}", or the single address "${address}/${hostPrefix}"?`,
} as const;

/** A best-effort conversion of `value` to an RFC 1123 label, for "did you mean" hints. */
export function suggestDns1123Label(value: string): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return cleaned === '' ? 'my-namespace' : cleaned;
}

/** Namespace names are RFC 1123 labels. */
export function checkNamespaceName(value: string): string | undefined {
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    return (
      `"${value}" is not a valid namespace name: use at most 63 lowercase letters, digits and '-', ` +
      `starting and ending with a letter or digit (RFC 1123 label), e.g. "${suggestDns1123Label(value)}"`
    );
  }
  return undefined;
}

/** Label keys: an optional DNS subdomain prefix and '/', then a name of at most 63 characters. */
export function checkLabelKey(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return NAME_MESSAGES.labelKeyPrefix(key, prefix);
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return NAME_MESSAGES.labelKeyName(key);
  }
  return undefined;
}

/** Label values: empty, or at most 63 characters of letters, digits, '-', '_' and '.'. */
export function checkLabelValue(value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return (
      `label value "${value}" is invalid: use at most 63 letters, digits, '-', '_' or '.', ` +
      `starting and ending with a letter or digit`
    );
  }
  return undefined;
}

/** A named container port is an IANA service name: at most 15 characters, with a letter. */
export function checkPortName(value: string): string | undefined {
  if (value.length > 15 || !IANA_SERVICE_NAME.test(value) || !/[a-z]/.test(value) || value.includes('--')) {
    return NAME_MESSAGES.portName(value);
  }
  return undefined;
}

/** A parsed CIDR. IPv4 and IPv6 addresses are held as bigints for range arithmetic. */
export interface ParsedCidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefixLength: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a dotted IPv4 or a colon-hex IPv6 address; `undefined` when it is neither. */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  return IPV4.test(text) ? parseIpv4(text) : parseIpv6(text);
}

function parseIpv4(text: string): { family: 4; value: bigint } | undefined {
  const v4 = IPV4.exec(text);
  if (!v4) return undefined;
  const octets = v4.slice(1).map(Number);
  if (octets.some((o, i) => o > 255 || (v4[i + 1]!.length > 1 && v4[i + 1]!.startsWith('0')))) return undefined;
  return { family: 4, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
}

function parseIpv6(input: string): { family: 6; value: bigint } | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(input) || input.split('::').length > 2) return undefined;
  // An embedded IPv4 tail (`::ffff:10.0.0.1`, RFC 4291 2.2) stands for the last two groups.
  let text = input;
  const lastColon = input.lastIndexOf(':');
  if (lastColon >= 0 && input.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(input.slice(lastColon + 1));
    if (!v4) return undefined;
    const high = Number(v4.value >> 16n).toString(16);
    const low = Number(v4.value & 0xffffn).toString(16);
    text = `${input.slice(0, lastColon + 1)}${high}:${low}`;
  }
  if (text.includes('.')) return undefined;
  const [head = '', tail] = text.split('::');
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  if (!left || !right) return undefined;
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || (tail !== undefined && missing < 1)) return undefined;
  const all = [...left, ...new Array<number>(tail === undefined ? 0 : missing).fill(0), ...right];
  return { family: 6, value: all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n) };
}

/** Formats an address of the given family in its canonical text form. */
export function formatIp(family: 4 | 6, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 255n).toString()).join('.');
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((value >> s) & 0xffffn));
  // Compress the longest run of two or more zero groups, as RFC 5952 asks.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * Parses `a.b.c.d/n` or `x::y/n`. Host bits are masked off, as Go's `net.ParseCIDR` does, so
 * the analyzer reads a CIDR the same way the API server's consumers do.
 */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  const bits = ip.family === 4 ? 32 : 128;
  if (prefixLength > bits) return undefined;
  const hostBits = BigInt(bits - prefixLength);
  return { family: ip.family, network: (ip.value >> hostBits) << hostBits, prefixLength };
}

/** Whether `ip` (parsed) lies inside `cidr`. */
export function cidrContains(cidr: ParsedCidr, ip: { family: 4 | 6; value: bigint }): boolean {
  if (cidr.family !== ip.family) return false;
  const hostBits = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefixLength);
  return ip.value >> hostBits === cidr.network >> hostBits;
}

/** The canonical text of a parsed CIDR. */
export function formatCidr(cidr: ParsedCidr): string {
  return `${formatIp(cidr.family, cidr.network)}/${cidr.prefixLength}`;
}

/** A CIDR as written in a policy: well-formed, with no host bits set. */
export function checkCidr(value: string): string | undefined {
  const parsed = parseCidr(value);
  if (!parsed) {
    const ip = parseIp(value);
    if (ip) {
      return `"${value}" is an address without a prefix length: did you mean "${value}/${ip.family === 4 ? 32 : 128}"?`;
    }
    return NAME_MESSAGES.cidrInvalid(value);
  }
  const canonical = formatCidr(parsed);
  const address = value.slice(0, value.indexOf('/'));
  if (parseIp(address)!.value !== parsed.network) {
    const hostPrefix = parsed.family === 4 ? 32 : 128;
    return NAME_MESSAGES.cidrHostBits(value, canonical, address, String(hostPrefix));
  }
  return undefined;
}

/** Whether `inner` lies inside `outer` and is strictly smaller: what `ipBlock.except` requires. */
export function isStrictSubnet(outer: ParsedCidr, inner: ParsedCidr): boolean {
  return (
    outer.family === inner.family &&
    inner.prefixLength > outer.prefixLength &&
    cidrContains(outer, { family: inner.family, value: inner.network })
  );
}

/**
 * `outer` minus every CIDR of `except`, as the fewest CIDRs that cover exactly the rest, in
 * address order. ClusterNetworkPolicy `networks` have no `except`, so an ipBlock's exceptions
 * become this list.
 */
export function subtractCidrs(outer: ParsedCidr, except: readonly ParsedCidr[]): ParsedCidr[] {
  const bits = outer.family === 4 ? 32 : 128;
  const relevant = except.filter((inner) => inner.family === outer.family);
  const split = (block: ParsedCidr): ParsedCidr[] => {
    const overlapping = relevant.filter(
      (inner) =>
        cidrContains(block, { family: inner.family, value: inner.network }) ||
        cidrContains(inner, { family: block.family, value: block.network }),
    );
    if (overlapping.length === 0) return [block];
    if (overlapping.some((inner) => inner.prefixLength <= block.prefixLength)) return [];
    const prefixLength = block.prefixLength + 1;
    const half = 1n << BigInt(bits - prefixLength);
    return [
      ...split({ family: block.family, network: block.network, prefixLength }),
      ...split({ family: block.family, network: block.network + half, prefixLength }),
    ];
  };
  return split(outer);
}
