/**
 * The egress allow-list by domain name that only the Cilium target can express (plain
 * NetworkPolicy has no peer by name). Validated here, by the guardrail layer's rules: a pattern
 * that matches every name, or every name under a top-level domain, is refused unless the named
 * opt-in `allowBroadPatterns` is set.
 */

/** One destination port of the allow-list. */
export interface FqdnEgressPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Destinations pods may reach by DNS name, on top of layer 5's DNS and CIDR allowances. */
export interface FqdnEgressOptions {
  /** Exact names (`api.example.com`): Cilium `toFQDNs[].matchName`. */
  readonly names?: readonly string[];
  /** Patterns where `*` stands for any run of name characters (`*.example.com`): `toFQDNs[].matchPattern`. */
  readonly patterns?: readonly string[];
  /** @default [{ port: 443, protocol: 'TCP' }] */
  readonly ports?: readonly FqdnEgressPort[];
  /** Opt-in: allow `*`-only patterns and patterns that cover a whole top-level domain (`*.com`). */
  readonly allowBroadPatterns?: boolean;
}

/** Options that only the Cilium target reads. */
export interface CiliumOptions {
  readonly fqdnEgress?: FqdnEgressOptions;
}

/** The allow-list with defaults applied, after validation. */
export interface ResolvedFqdnEgress {
  readonly names: readonly string[];
  readonly patterns: readonly string[];
  readonly ports: readonly Required<FqdnEgressPort>[];
}

/** A refused allow-list: every problem, each naming its field and the fix. */
export class CiliumOptionsError extends Error {
  override readonly name = 'CiliumOptionsError';
  constructor(readonly issues: readonly string[]) {
    super(`invalid Cilium options (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
  }
}

// Cilium's own CRD patterns for matchName and matchPattern (api/v1 FQDNSelector), lower-cased:
// DNS names are compared case-insensitively and Cilium lower-cases them itself.
const NAME = /^([-a-z0-9_]+\.?)+$/;
const PATTERN = /^([-a-z0-9_*]+\.?)+$/;
const KNOWN_KEYS = ['names', 'patterns', 'ports', 'allowBroadPatterns'];

/** Why `pattern` is too broad to allow without the opt-in, or undefined. */
export function broadPatternProblem(pattern: string): string | undefined {
  if (!pattern.includes('*')) return undefined;
  const labels = pattern.replace(/\.$/, '').split('.');
  if (labels.every((label) => /^\**$/.test(label))) return 'matches every DNS name';
  // A wildcard in the last two labels reaches past the registrable name: `*.com`, `api.*.com`, `example.*`.
  if (labels.length < 2 || labels.slice(-2).some((label) => label.includes('*'))) return 'covers names under a whole top-level domain';
  return undefined;
}

/**
 * Validates and resolves the FQDN allow-list. Undefined when none is set.
 * @throws {CiliumOptionsError} naming each bad field (`fqdnEgress.patterns[0]`) and the fix.
 */
export function resolveFqdnEgress(options: CiliumOptions | undefined, egressIsolated: boolean): ResolvedFqdnEgress | undefined {
  const fqdn = options?.fqdnEgress;
  if (fqdn === undefined) return undefined;
  const issues: string[] = [];
  if (fqdn === null || typeof fqdn !== 'object' || Array.isArray(fqdn)) throw new CiliumOptionsError(['fqdnEgress: must be an object with names, patterns, ports']);
  for (const key of Object.keys(fqdn)) {
    if (!KNOWN_KEYS.includes(key)) issues.push(`fqdnEgress.${key}: unknown key. Fix: remove it; the keys allowed here are ${KNOWN_KEYS.join(', ')}`);
  }
  const names = stringList(fqdn.names, 'fqdnEgress.names', issues);
  const patterns = stringList(fqdn.patterns, 'fqdnEgress.patterns', issues);
  names.forEach((name, i) => {
    if (name.includes('*')) issues.push(`fqdnEgress.names[${i}]: "${name}" has a "*". Fix: move it to fqdnEgress.patterns`);
    else if (!NAME.test(name)) issues.push(`fqdnEgress.names[${i}]: "${name}" is not a DNS name. Fix: use lower-case letters, digits, "-", "_" and dots, like "api.example.com"`);
  });
  const broadAllowed = fqdn.allowBroadPatterns === true;
  if (fqdn.allowBroadPatterns !== undefined && typeof fqdn.allowBroadPatterns !== 'boolean') issues.push('fqdnEgress.allowBroadPatterns: must be true or false');
  patterns.forEach((pattern, i) => {
    if (!PATTERN.test(pattern)) {
      issues.push(`fqdnEgress.patterns[${i}]: "${pattern}" is not a DNS name pattern. Fix: use lower-case letters, digits, "-", "_", "*" and dots, like "*.example.com"`);
      return;
    }
    const broad = broadPatternProblem(pattern);
    if (broad && !broadAllowed) {
      issues.push(`fqdnEgress.patterns[${i}]: "${pattern}" ${broad}, so it allows egress almost anywhere. Fix: name the domain ("*.example.com"), or set fqdnEgress.allowBroadPatterns: true to accept it`);
    }
  });
  if (names.length + patterns.length === 0) issues.push('fqdnEgress: lists no names and no patterns. Fix: add fqdnEgress.names or fqdnEgress.patterns, or remove fqdnEgress');
  const ports = portList(fqdn.ports, issues);
  if (!egressIsolated) {
    issues.push('fqdnEgress: layer 5 (denyEgressExceptDns) is off, so egress is open and an allow-list by name would only cut it. Fix: turn denyEgressExceptDns on, or remove fqdnEgress');
  }
  if (issues.length > 0) throw new CiliumOptionsError(issues);
  return { names: [...new Set(names)].sort(), patterns: [...new Set(patterns)].sort(), ports };
}

function stringList(value: unknown, field: string, issues: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    issues.push(`${field}: must be a list of strings`);
    return [];
  }
  return (value as string[]).map((item) => item.toLowerCase());
}

function portList(value: unknown, issues: string[]): Required<FqdnEgressPort>[] {
  if (value === undefined) return [{ port: 443, protocol: 'TCP' }];
  if (!Array.isArray(value) || value.length === 0) {
    issues.push('fqdnEgress.ports: must be a non-empty list like [{port: 443, protocol: TCP}]. Fix: list the ports, or leave ports out for 443/TCP');
    return [];
  }
  return value.flatMap((entry: unknown, i) => {
    const { port, protocol = 'TCP', ...rest } = (entry ?? {}) as { port?: unknown; protocol?: unknown };
    const problems: string[] = [];
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) problems.push(`fqdnEgress.ports[${i}].port: ${String(port)} is not a port. Fix: use a whole number from 1 to 65535`);
    if (protocol !== 'TCP' && protocol !== 'UDP') problems.push(`fqdnEgress.ports[${i}].protocol: "${String(protocol)}" is not allowed. Fix: use "TCP" or "UDP"`);
    for (const key of Object.keys(rest)) problems.push(`fqdnEgress.ports[${i}].${key}: unknown key. Fix: remove it; the keys allowed here are port, protocol`);
    issues.push(...problems);
    return problems.length === 0 ? [{ port: port as number, protocol: protocol as 'TCP' | 'UDP' }] : [];
  });
}
