/**
 * The flags of `k8s-security analyze`, parsed and checked before any file is read, so a typo
 * costs nothing and each message names the flag and how to fix it.
 */
import { parseArgs } from 'node:util';
import { parseIp } from '@k8s-security-pro/core/analyzer';
import { UsageError } from '../io.js';
import { MANIFEST_INPUT_FLAGS } from '../input/manifest-input.js';
import { LIVE_CLUSTER_FLAGS } from '../live/live-flags.js';
import { ANALYZE_OUTPUT_FORMATS, isGraphFormat, type AnalyzeOutputFormat } from '../output/analyze-formats.js';

export type AnalyzeProtocol = 'TCP' | 'UDP' | 'SCTP';
export const ANALYZE_PROTOCOLS: readonly AnalyzeProtocol[] = ['TCP', 'UDP', 'SCTP'];

export interface AnalyzePortSpec {
  readonly port: number;
  readonly protocol: AnalyzeProtocol;
}

/** An `--external` flag: a cluster-external address and the ports it listens on. */
export interface ExternalEndpointSpec {
  readonly ip: string;
  readonly ports: readonly AnalyzePortSpec[];
}

export interface AnalyzeOptions {
  readonly paths: readonly string[];
  readonly output: AnalyzeOutputFormat;
  readonly from?: string;
  readonly to?: string;
  readonly port?: number;
  readonly protocol?: AnalyzeProtocol;
  readonly externals: readonly ExternalEndpointSpec[];
  readonly explain: boolean;
  /** Also list the pairs where every port is denied. */
  readonly all: boolean;
  /** The namespace x namespace matrix instead of rows. */
  readonly summary: boolean;
  /** Live-cluster flags, resolved against the environment by the command. */
  readonly live: { readonly kubeconfig?: string; readonly context?: string; readonly cluster?: boolean };
  readonly skipInvalid: boolean;
  readonly allowEmpty: boolean;
}

const EXTERNAL_EXAMPLE = '203.0.113.10:443/TCP,53/UDP';

export function parseAnalyzeOptions(args: readonly string[]): AnalyzeOptions {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      output: { type: 'string', short: 'o' },
      from: { type: 'string' },
      to: { type: 'string' },
      port: { type: 'string' },
      protocol: { type: 'string' },
      external: { type: 'string', multiple: true },
      explain: { type: 'boolean' },
      all: { type: 'boolean' },
      summary: { type: 'boolean' },
      ...LIVE_CLUSTER_FLAGS,
      ...MANIFEST_INPUT_FLAGS,
    },
  });
  if (values.summary && values.explain) {
    throw new UsageError('--summary counts connections per namespace pair and has nothing to explain: drop --explain, or drop --summary to get the endpoint pairs');
  }
  if (values.all && !values.summary && (values.port !== undefined || values.protocol !== undefined)) {
    throw new UsageError('--all adds denied pairs to the default output, but --port/--protocol already print one row per connection, denied ones included: drop --all');
  }
  const output = parseOutputFormat(values.output);
  // dot draws allowed connections only: with --all it would judge every denied pair and print the same graph.
  if (values.all && (isGraphFormat(output) || output === 'dot')) {
    throw new UsageError(`--all adds the pairs where every port is denied, which the ${output} picture does not draw: drop --all (the picture shows allowed connections), or use --all with -o ndjson`);
  }
  return {
    paths: positionals,
    output,
    from: values.from === undefined ? undefined : parseEndpointRef('--from', values.from),
    to: values.to === undefined ? undefined : parseEndpointRef('--to', values.to),
    port: values.port === undefined ? undefined : parsePortNumber('--port', values.port),
    protocol: values.protocol === undefined ? undefined : parseProtocol('--protocol', values.protocol),
    externals: mergeExternals((values.external ?? []).map(parseExternal)),
    explain: values.explain ?? false,
    all: values.all ?? false,
    summary: values.summary ?? false,
    live: {
      ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context !== undefined ? { context: values.context } : {}),
      ...(values.cluster !== undefined ? { cluster: values.cluster } : {}),
    },
    skipInvalid: values['skip-invalid'] ?? false,
    allowEmpty: values['allow-empty'] ?? false,
  };
}

function parseOutputFormat(value: string | undefined): AnalyzeOutputFormat {
  if (value === undefined) return 'table';
  const format = ANALYZE_OUTPUT_FORMATS.find((candidate) => candidate === value);
  if (!format) throw new UsageError(`--output "${value}" is not a format: use one of ${ANALYZE_OUTPUT_FORMATS.join(', ')}`);
  return format;
}

/** `NS/NAME` for a workload, or a bare IP for an endpoint added with --external. */
function parseEndpointRef(flag: string, value: string): string {
  if (parseIp(value)) return value;
  const parts = value.split('/');
  if (parts.length !== 2 || parts.some((part) => part === '')) {
    throw new UsageError(`${flag} "${value}" is not an endpoint: write NAMESPACE/NAME (e.g. "shop/web") or the IP of an --external endpoint`);
  }
  return value;
}

export function parsePortNumber(flag: string, value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new UsageError(`${flag} "${value}" is not a port: give a number from 1 to 65535`);
  }
  return port;
}

export function parseProtocol(flag: string, value: string): AnalyzeProtocol {
  const protocol = ANALYZE_PROTOCOLS.find((candidate) => candidate === value.toUpperCase());
  if (!protocol) throw new UsageError(`${flag} "${value}" is not a protocol: use one of ${ANALYZE_PROTOCOLS.join(', ')}`);
  return protocol;
}

/**
 * `IP`, `IP:PORT[/PROTOCOL],...` or, for IPv6 with ports, `[IP]:PORT[/PROTOCOL],...`.
 * The protocol defaults to TCP, as it does in a NetworkPolicy port.
 */
export function parseExternal(value: string): ExternalEndpointSpec {
  const fail = (why: string): never => {
    throw new UsageError(`--external "${value}" ${why}: write IP[:PORT/PROTOCOL,...], e.g. ${EXTERNAL_EXAMPLE}`);
  };
  let ip: string;
  let portList: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  if (bracketed) {
    ip = bracketed[1]!;
    portList = bracketed[2];
  } else if (parseIp(value)) {
    ip = value; // a bare IPv6 address: its colons are not a port separator
  } else {
    const colon = value.indexOf(':');
    ip = colon < 0 ? value : value.slice(0, colon);
    portList = colon < 0 ? undefined : value.slice(colon + 1);
  }
  if (!parseIp(ip)) fail(`has no valid IP address ("${ip}")`);
  if (portList === undefined) return { ip, ports: [] };
  const ports = portList.split(',').map((item): AnalyzePortSpec => {
    const match = /^(\d{1,5})(?:\/([A-Za-z]+))?$/.exec(item);
    if (!match) return fail(`has a malformed port "${item}"`);
    const port = Number(match[1]);
    if (port < 1 || port > 65535) fail(`has port ${match[1]}, outside 1-65535`);
    const protocol = ANALYZE_PROTOCOLS.find((candidate) => candidate === (match[2] ?? 'TCP').toUpperCase());
    if (!protocol) fail(`has an unknown protocol "${match[2]}" (use TCP, UDP or SCTP)`);
    return { port, protocol: protocol! };
  });
  return { ip, ports };
}

/** The same IP given twice is one endpoint listening on the union of the ports. */
function mergeExternals(specs: readonly ExternalEndpointSpec[]): ExternalEndpointSpec[] {
  const byIp = new Map<string, AnalyzePortSpec[]>();
  for (const spec of specs) {
    const ports = byIp.get(spec.ip) ?? [];
    for (const port of spec.ports) {
      if (!ports.some((known) => known.port === port.port && known.protocol === port.protocol)) ports.push(port);
    }
    byIp.set(spec.ip, ports);
  }
  return [...byIp].map(([ip, ports]) => ({ ip, ports }));
}
