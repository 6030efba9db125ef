import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectOneLineFailure, runCli, writeFilesIn, type CliRun } from '../test-support/cli-run.js';

let workDir = '';

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'analyze-test-'));
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function run(...args: string[]): Promise<CliRun> {
  return runCli(['analyze', ...args], { cwd: workDir });
}

function writeFiles(files: Record<string, string>): Promise<void> {
  return writeFilesIn(workDir, files);
}

const SHOP_NAMESPACES = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {team: shop}
---
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
`;

function deployment(namespace: string, name: string, ports: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: main
          image: registry.example/${name}:1
          ports: ${ports}
`;
}

const SHOP_WORKLOADS = [
  deployment('shop', 'web', '[{containerPort: 8080, name: http}]'),
  deployment('shop', 'db', '[{containerPort: 5432}]'),
  deployment('monitoring', 'prometheus', '[{containerPort: 9090, name: metrics}]'),
].join('---\n');

/** Ingress to shop is denied by default; db accepts web on 5432; web accepts anyone on its http port. */
const SHOP_POLICIES = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
      ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-anywhere, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
    - ports: [{port: http}]
`;

/** web may only send DNS to 8.8.8.0/24 (egress isolated); nothing else changes. */
const WEB_DNS_EGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-dns, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 8.8.8.0/24}}]
      ports: [{port: 53, protocol: UDP}]
`;

async function writeShop(): Promise<void> {
  await writeFiles({
    'shop/namespaces.yaml': SHOP_NAMESPACES,
    'shop/workloads.yaml': SHOP_WORKLOADS,
    'shop/policies/ingress.yaml': SHOP_POLICIES,
  });
}

interface JsonConnection {
  from: string;
  to: string;
  port: number;
  protocol: string;
  allowed: boolean;
  explanation?: string;
}

interface JsonPair {
  readonly from: string;
  readonly to: string;
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
  readonly explanations?: readonly string[];
}

/** One line per connection, from `--port`/`--protocol` output or from endpoint pairs (expanded, by port). */
function verdicts(stdout: string): string[] {
  const parsed = JSON.parse(stdout) as { connections?: JsonConnection[]; pairs?: JsonPair[] };
  if (parsed.connections) return parsed.connections.map((c) => `${c.from} -> ${c.to} ${c.port}/${c.protocol} ${c.allowed ? 'allowed' : 'denied'}`);
  return parsed.pairs!.flatMap((pair) =>
    [...pair.allowed.map((port) => [port, 'allowed'] as const), ...pair.denied.map((port) => [port, 'denied'] as const)]
      .sort(([a], [b]) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b))
      .map(([port, verdict]) => `${pair.from} -> ${pair.to} ${port} ${verdict}`),
  );
}

const SHOP_VERDICTS = [
  'monitoring/prometheus -> shop/db 5432/TCP denied',
  'monitoring/prometheus -> shop/web 8080/TCP allowed',
  'shop/db -> monitoring/prometheus 9090/TCP allowed',
  'shop/db -> shop/web 8080/TCP allowed',
  'shop/web -> monitoring/prometheus 9090/TCP allowed',
  'shop/web -> shop/db 5432/TCP allowed',
];

describe('k8s-security analyze', () => {
  describe('--output json', () => {
    it('judges every ordered pair of endpoints on each port the destination declares (--all)', async () => {
      await writeShop();
      const result = await run('shop', '--output', 'json', '--all');
      expect(result.code).toBe(0);
      expect(verdicts(result.stdout)).toEqual(SHOP_VERDICTS);
    });

    it('by default lists only the pairs with an allowed port, each with its allowed and denied port sets', async () => {
      await writeShop();
      const { pairs } = JSON.parse((await run('shop', '-o', 'json')).stdout) as { pairs: JsonPair[] };
      expect(pairs).toEqual([
        { from: 'monitoring/prometheus', to: 'shop/web', allowed: ['8080/TCP'], denied: [] },
        { from: 'shop/db', to: 'monitoring/prometheus', allowed: ['9090/TCP'], denied: [] },
        { from: 'shop/db', to: 'shop/web', allowed: ['8080/TCP'], denied: [] },
        { from: 'shop/web', to: 'monitoring/prometheus', allowed: ['9090/TCP'], denied: [] },
        { from: 'shop/web', to: 'shop/db', allowed: ['5432/TCP'], denied: [] },
      ]);
    });

    it('groups the ports of one pair, allowed and denied apart, ordered by number', async () => {
      await writeFiles({
        'm.yaml': `${deployment('a', 'api', '[{containerPort: 9090}, {containerPort: 8080}, {containerPort: 53, protocol: UDP}]')}---
${deployment('a', 'client', '[]')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-http-only, namespace: a}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: [{ports: [{port: 8080}, {port: 53, protocol: UDP}]}]
`,
      });
      const { pairs } = JSON.parse((await run('m.yaml', '-o', 'json', '--to', 'a/api')).stdout) as { pairs: JsonPair[] };
      expect(pairs).toEqual([{ from: 'a/client', to: 'a/api', allowed: ['53/UDP', '8080/TCP'], denied: ['9090/TCP'] }]);
    });

    it('keeps the connection contract with --port: exactly from, to, port, protocol and allowed, denied rows included', async () => {
      await writeShop();
      const result = await run('shop', '-o', 'json', '--port', '5432', '--to', 'shop/db');
      expect(JSON.parse(result.stdout)).toEqual({
        connections: [
          { from: 'monitoring/prometheus', to: 'shop/db', port: 5432, protocol: 'TCP', allowed: false },
          { from: 'shop/web', to: 'shop/db', port: 5432, protocol: 'TCP', allowed: true },
        ],
      });
      // Byte for byte what JSON.stringify(report, null, 2) printed before rows were streamed.
      expect(result.stdout).toBe(`${JSON.stringify(JSON.parse(result.stdout), null, 2)}\n`);
      const none = await run('m.yaml', '-o', 'json', '--port', '80');
      expect(none.code).toBe(2);
      await writeFiles({ 'one.yaml': deployment('a', 'web', '[]') });
      expect((await run('one.yaml', '-o', 'json', '--port', '80')).stdout).toBe('{\n  "connections": []\n}\n');
    });

    it('adds explanations only with --explain: one per port for pairs, one per connection with --port', async () => {
      await writeShop();
      const plain = JSON.parse((await run('shop', '-o', 'json', '--all')).stdout) as { pairs: JsonPair[] };
      expect(plain.pairs.every((pair) => !('explanations' in pair))).toBe(true);
      const explained = JSON.parse((await run('shop', '-o', 'json', '--all', '--explain')).stdout) as { pairs: JsonPair[] };
      const denied = explained.pairs.find((pair) => pair.from === 'monitoring/prometheus' && pair.to === 'shop/db')!;
      expect(denied.explanations).toHaveLength(1);
      expect(denied.explanations![0]).toMatch(/^5432\/TCP: denied: /);
      expect(denied.explanations![0]).toContain('shop/default-deny');
      expect(denied.explanations![0]).toContain('shop/db-from-web');
      const connections = JSON.parse((await run('shop', '-o', 'json', '--port', '5432', '--explain', '--from', 'shop/web', '--to', 'shop/db')).stdout) as {
        connections: JsonConnection[];
      };
      expect(connections.connections[0]!.explanation).toMatch(/^allowed: .*shop\/db-from-web/);
    });
  });

  describe('--output ndjson', () => {
    it('prints one JSON object per line: pairs by default, connections with --port', async () => {
      await writeShop();
      const pairs = (await run('shop', '-o', 'ndjson', '--all')).stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as JsonPair);
      expect(pairs).toHaveLength(6);
      expect(pairs[0]).toEqual({ from: 'monitoring/prometheus', to: 'shop/db', allowed: [], denied: ['5432/TCP'] });
      // Lines are built from cached pieces; they must be exactly what JSON.stringify prints.
      for (const line of (await run('shop', '-o', 'ndjson', '--all', '--external', '203.0.113.9:53/UDP')).stdout.trimEnd().split('\n')) {
        expect(line).toBe(JSON.stringify(JSON.parse(line)));
      }
      const connections = (await run('shop', '-o', 'ndjson', '--port', '22')).stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as JsonConnection);
      expect(connections[0]).toEqual({ from: 'monitoring/prometheus', to: 'shop/db', port: 22, protocol: 'TCP', allowed: false });
    });

    it('prints nothing when nothing is allowed', async () => {
      await writeFiles({ 'one.yaml': deployment('shop', 'web', '[{containerPort: 80}]') });
      expect((await run('one.yaml', '-o', 'ndjson')).stdout).toBe('');
    });
  });

  describe('--output table (the default)', () => {
    it('prints one row per pair with its allowed and denied ports and a count, within 80 columns', async () => {
      await writeShop();
      const result = await run('shop', '--all');
      expect(result.code).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^FROM\s+TO\s+ALLOWED\s+DENIED$/);
      expect(lines).toContainEqual(expect.stringMatching(/^monitoring\/prometheus\s+shop\/db\s+-\s+5432\/TCP$/));
      expect(lines).toContainEqual(expect.stringMatching(/^shop\/web\s+shop\/db\s+5432\/TCP\s+-$/));
      expect(lines.at(-1)).toBe('6 endpoint pairs checked: 5 connections allowed, 1 denied');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
      const allowedOnly = (await run('shop')).stdout.trimEnd().split('\n');
      expect(allowedOnly).not.toContainEqual(expect.stringMatching(/^monitoring\/prometheus\s+shop\/db/));
      expect(allowedOnly.at(-1)).toMatch(/^5 endpoint pairs with an allowed connection: 5 connections allowed, 0 denied/);
    });

    it('prints one row per connection with --port', async () => {
      await writeShop();
      const lines = (await run('shop', '--port', '5432', '--to', 'shop/db')).stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^FROM\s+TO\s+PORT\s+VERDICT$/);
      expect(lines).toContainEqual(expect.stringMatching(/^monitoring\/prometheus\s+shop\/db\s+5432\/TCP\s+denied$/));
      expect(lines.at(-1)).toBe('2 connections checked: 1 allowed, 1 denied');
    });

    it('switches to one block per source when names are too long for 80 columns', async () => {
      const longName = 'a-deployment-with-a-very-long-name-that-would-not-fit';
      await writeFiles({ 'm.yaml': `${deployment('shop', longName, '[{containerPort: 80}]')}---\n${deployment('shop', 'web', '[{containerPort: 8080}]')}` });
      const lines = (await run('m.yaml')).stdout.trimEnd().split('\n');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
      expect(lines).toContain(`from shop/${longName}`);
      expect(lines).toContain('  to shop/web');
      expect(lines).toContain('    allowed 8080/TCP  denied -');
      const connections = (await run('m.yaml', '--port', '8080')).stdout.trimEnd().split('\n');
      expect(connections).toContainEqual(expect.stringMatching(/^ {4}8080\/TCP\s+allowed$/));
      expect(connections.at(-1)).toBe('2 connections checked: 2 allowed, 0 denied');
    });

    it('wraps explanations under their row with --explain', async () => {
      await writeShop();
      const lines = (await run('shop', '--explain', '--all', '--from', 'monitoring/prometheus', '--to', 'shop/db')).stdout.trimEnd().split('\n');
      expect(lines[1]).toMatch(/^monitoring\/prometheus\s+shop\/db\s+-\s+5432\/TCP$/);
      expect(lines[2]).toMatch(/^ {4}5432\/TCP: denied: /);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    });

    it('says so when there is nothing to check, or nothing allowed', async () => {
      await writeFiles({ 'one.yaml': deployment('shop', 'web', '[{containerPort: 80}]') });
      expect((await run('one.yaml', '--all')).stdout).toMatch(/^No connections to check/);
      expect((await run('one.yaml')).stdout).toMatch(/^No endpoint reaches another/);
    });
  });

  describe('--output csv', () => {
    it('prints a header and one line per pair, ports separated by spaces', async () => {
      await writeShop();
      const lines = (await run('shop', '-o', 'csv', '--all')).stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('from,to,allowed,denied');
      expect(lines).toContain('monitoring/prometheus,shop/db,,5432/TCP');
      expect(lines).toContain('shop/web,shop/db,5432/TCP,');
      expect(lines).toHaveLength(7);
    });

    it('keeps one line per connection with --port, and a quoted explanation column with --explain', async () => {
      await writeShop();
      const lines = (await run('shop', '-o', 'csv', '--explain', '--to', 'shop/db', '--port', '5432')).stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('from,to,port,protocol,allowed,explanation');
      // Explanations hold commas and semicolons, so the field must be quoted to stay one column.
      expect(lines[1]).toMatch(/^monitoring\/prometheus,shop\/db,5432,TCP,false,"denied: [^"]*"$/);
    });
  });

  describe('--output md', () => {
    it('gives the namespace-level picture and the pair table', async () => {
      await writeShop();
      const result = await run('shop', '-o', 'md', '--all');
      expect(result.code).toBe(0);
      const lines = result.stdout.split('\n');
      expect(lines).toContain('## Namespace reachability');
      expect(lines).toContain('| from \\ to | monitoring | shop |');
      // prometheus reaches web but not db; shop reaches monitoring fully; web and db reach each other.
      expect(lines).toContain('| monitoring | - | partial (1/2) |');
      expect(lines).toContain('| shop | all (2/2) | all (2/2) |');
      expect(lines).toContain('| monitoring/prometheus | shop/db | - | 5432/TCP |');
      expect(lines).toContain('6 endpoint pairs checked: 5 connections allowed, 1 denied');
    });

    it('adds a Why column with --explain', async () => {
      await writeShop();
      const result = await run('shop', '-o', 'md', '--explain', '--to', 'shop/db', '--port', '5432');
      expect(result.stdout).toContain('| From | To | Port | Verdict | Why |');
      expect(result.stdout).toMatch(/\| monitoring\/prometheus \| shop\/db \| 5432\/TCP \| denied \| denied: .* \|/);
    });
  });

  describe('--output dot', () => {
    it('draws allowed connections between endpoints and the namespace-level picture', async () => {
      await writeShop();
      const result = await run('shop', '-o', 'dot');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^digraph reachability \{\n/);
      expect(result.stdout.trimEnd().endsWith('}')).toBe(true);
      expect(result.stdout).toContain('"shop/web" -> "shop/db" [label="5432/TCP"];');
      expect(result.stdout).toContain('"monitoring/prometheus" -> "shop/web" [label="8080/TCP"];');
      // Denied connections get no edge.
      expect(result.stdout).not.toContain('"monitoring/prometheus" -> "shop/db"');
      expect(result.stdout).toContain('"group:monitoring" -> "group:shop" [label="partial 1/2", style=dashed];');
      expect(result.stdout).toContain('"group:shop" -> "group:shop" [label="all 2/2", style=solid];');
    });
  });

  describe('--summary', () => {
    it('gives the namespace x namespace matrix: allowed among checked connections per ordered pair', async () => {
      await writeShop();
      const { groups, pairs } = JSON.parse((await run('shop', '--summary', '-o', 'json')).stdout) as { groups: string[]; pairs: unknown[] };
      expect(groups).toEqual(['monitoring', 'shop']);
      expect(pairs).toEqual([
        { from: 'monitoring', to: 'shop', allowed: 1, connections: 2, level: 'partial' },
        { from: 'shop', to: 'monitoring', allowed: 2, connections: 2, level: 'all' },
        { from: 'shop', to: 'shop', allowed: 2, connections: 2, level: 'all' },
      ]);
      const table = (await run('shop', '--summary')).stdout.trimEnd().split('\n');
      expect(table[0]).toMatch(/^FROM\s+TO\s+ALLOWED\s+LEVEL$/);
      expect(table).toContainEqual(expect.stringMatching(/^monitoring\s+shop\s+1\/2\s+partial$/));
      expect((await run('shop', '--summary', '-o', 'md')).stdout).toContain('| monitoring | - | partial (1/2) |');
      expect((await run('shop', '--summary', '-o', 'csv')).stdout).toContain('monitoring,shop,1,2,partial\n');
    });

    it('lists pairs with nothing allowed only with --all, and follows --port', async () => {
      await writeShop();
      const pairsOf = async (...flags: string[]) => (JSON.parse((await run('shop', '--summary', '-o', 'json', ...flags)).stdout) as { pairs: { from: string; to: string; level: string }[] }).pairs;
      expect((await pairsOf('--port', '5432')).map((pair) => `${pair.from}>${pair.to} ${pair.level}`)).toEqual(['shop>monitoring all', 'shop>shop partial']);
      expect((await pairsOf('--port', '5432', '--all')).map((pair) => `${pair.from}>${pair.to} ${pair.level}`)).toEqual(['monitoring>shop none', 'shop>monitoring all', 'shop>shop partial']);
    });

    it('refuses --explain, and --all with --port, naming the fix', async () => {
      await writeShop();
      expectOneLineFailure(await run('shop', '--summary', '--explain'), '--summary', 'drop --explain');
      expectOneLineFailure(await run('shop', '--all', '--port', '80'), '--all', 'drop --all');
    });
  });

  describe('--from and --to', () => {
    it('keep only the connections of the named endpoints', async () => {
      await writeShop();
      expect(verdicts((await run('shop', '-o', 'json', '--all', '--from', 'shop/db')).stdout)).toEqual([
        'shop/db -> monitoring/prometheus 9090/TCP allowed',
        'shop/db -> shop/web 8080/TCP allowed',
      ]);
      expect(verdicts((await run('shop', '-o', 'json', '--all', '--to', 'shop/db')).stdout)).toEqual([
        'monitoring/prometheus -> shop/db 5432/TCP denied',
        'shop/web -> shop/db 5432/TCP allowed',
      ]);
    });

    it('reject an endpoint the manifests do not hold', async () => {
      await writeShop();
      expectOneLineFailure(await run('shop', '--from', 'shop/wbe'), '--from "shop/wbe" is not in the manifests', 'shop/web');
      expectOneLineFailure(await run('shop', '--to', 'nowhere/x'), '--to "nowhere/x"');
    });

    it('reject a value that is neither NS/NAME nor an IP', async () => {
      await writeShop();
      expectOneLineFailure(await run('shop', '--from', 'web'), '--from "web" is not an endpoint', 'NAMESPACE/NAME');
    });
  });

  describe('--port and --protocol', () => {
    it('ask about a port the destination does not declare, for every pair', async () => {
      await writeShop();
      const result = await run('shop', '-o', 'json', '--port', '22');
      expect(verdicts(result.stdout)).toEqual([
        'monitoring/prometheus -> shop/db 22/TCP denied',
        'monitoring/prometheus -> shop/web 22/TCP denied',
        'shop/db -> monitoring/prometheus 22/TCP allowed',
        'shop/db -> shop/web 22/TCP denied',
        'shop/web -> monitoring/prometheus 22/TCP allowed',
        'shop/web -> shop/db 22/TCP denied',
      ]);
    });

    it('use the given protocol, which must match the rule (5432/UDP is not 5432/TCP)', async () => {
      await writeShop();
      const result = await run('shop', '-o', 'json', '--to', 'shop/db', '--port', '5432', '--protocol', 'UDP');
      expect(verdicts(result.stdout)).toEqual(['monitoring/prometheus -> shop/db 5432/UDP denied', 'shop/web -> shop/db 5432/UDP denied']);
    });

    it('--protocol alone keeps the declared ports of that protocol', async () => {
      await writeFiles({ 'm.yaml': `${deployment('a', 'dns', '[{containerPort: 53, protocol: UDP}, {containerPort: 53}]')}---\n${deployment('a', 'client', '[]')}` });
      expect(verdicts((await run('m.yaml', '-o', 'json', '--protocol', 'udp')).stdout)).toEqual(['a/client -> a/dns 53/UDP allowed']);
      expect(verdicts((await run('m.yaml', '-o', 'json', '--protocol', 'tcp')).stdout)).toEqual(['a/client -> a/dns 53/TCP allowed']);
      expect(verdicts((await run('m.yaml', '-o', 'json', '--all')).stdout)).toEqual(['a/client -> a/dns 53/TCP allowed', 'a/client -> a/dns 53/UDP allowed']);
    });

    it.each([
      [['--port', '0'], '--port "0" is not a port: give a number from 1 to 65535'],
      [['--port', '65536'], '--port "65536" is not a port'],
      [['--port', 'http'], '--port "http" is not a port'],
      [['--protocol', 'foo'], '--protocol "foo" is not a protocol: use one of TCP, UDP, SCTP'],
      [['--port', '80', '--protocol', 'ICMP'], '--protocol "ICMP" is not a protocol'],
    ])('%j fails with one line naming the flag and the fix', async (flags, message) => {
      await writeShop();
      expectOneLineFailure(await run('shop', ...flags), message);
    });
  });

  describe('--external', () => {
    it('adds an endpoint named by its IP that ipBlocks match, as source and destination', async () => {
      await writeShop();
      await writeFiles({ 'shop/policies/egress.yaml': WEB_DNS_EGRESS });
      const result = await run('shop', '-o', 'json', '--all', '--external', '8.8.8.8:53/UDP', '--external', '1.1.1.1:53/udp');
      expect(result.code).toBe(0);
      const lines = verdicts(result.stdout);
      expect(lines).toContain('shop/web -> 8.8.8.8 53/UDP allowed');
      expect(lines).toContain('shop/web -> 1.1.1.1 53/UDP denied');
      expect(lines).toContain('shop/db -> 1.1.1.1 53/UDP allowed');
      expect(lines).toContain('8.8.8.8 -> shop/web 8080/TCP allowed');
      expect(lines).toContain('8.8.8.8 -> shop/db 5432/TCP denied');
      // Egress of web is isolated now: it no longer reaches db.
      expect(lines).toContain('shop/web -> shop/db 5432/TCP denied');
      // Two external addresses never meet a NetworkPolicy, so that pair is not judged.
      expect(lines.filter((line) => line.startsWith('8.8.8.8 -> 1.1.1.1') || line.startsWith('1.1.1.1 -> 8.8.8.8'))).toEqual([]);
    });

    it('defaults the protocol to TCP, accepts bracketed IPv6 and merges repeated IPs', async () => {
      await writeFiles({ 'm.yaml': deployment('a', 'client', '[]') });
      const result = await run('m.yaml', '-o', 'json', '--all', '--external', '203.0.113.10:443', '--external', '203.0.113.10:80/TCP', '--external', '[2001:db8::1]:53/SCTP');
      expect(verdicts(result.stdout)).toEqual([
        'a/client -> 2001:db8::1 53/SCTP allowed',
        'a/client -> 203.0.113.10 80/TCP allowed',
        'a/client -> 203.0.113.10 443/TCP allowed',
      ]);
    });

    it('resolves a named port in an egress rule without peers on the destination pod only (no IP has a port name)', async () => {
      await writeFiles({
        'm.yaml': `${deployment('a', 'web', '[{containerPort: 8080, name: http}]')}---\n${deployment('a', 'client', '[]')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-http-only, namespace: a}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
    - ports: [{port: http}]
`,
      });
      const result = await run('m.yaml', '-o', 'json', '--all', '--from', 'a/client', '--external', '203.0.113.10:8080');
      expect(verdicts(result.stdout)).toEqual(['a/client -> 203.0.113.10 8080/TCP denied', 'a/client -> a/web 8080/TCP allowed']);
    });

    it('can be named by --from and --to', async () => {
      await writeShop();
      const result = await run('shop', '-o', 'json', '--all', '--external', '8.8.8.8', '--from', '8.8.8.8', '--to', 'shop/db');
      expect(verdicts(result.stdout)).toEqual(['8.8.8.8 -> shop/db 5432/TCP denied']);
    });

    it.each([
      ['999.1.1.1', 'has no valid IP address ("999.1.1.1")'],
      ['example.com:443', 'has no valid IP address ("example.com")'],
      ['10.0.0.1:0/TCP', 'has port 0, outside 1-65535'],
      ['10.0.0.1:53/ICMP', 'has an unknown protocol "ICMP"'],
      ['10.0.0.1:', 'has a malformed port ""'],
      ['10.0.0.0/8', 'has no valid IP address'],
    ])('rejects --external %s with one line and an example', async (value, message) => {
      await writeShop();
      expectOneLineFailure(await run('shop', '--external', value), `--external "${value}" ${message}`, 'IP[:PORT/PROTOCOL,...]');
    });
  });

  describe('reading manifests', () => {
    it('reads folders recursively (.yaml, .yml, .json), ignores other files, and expands Lists', async () => {
      await writeFiles({
        'in/ns.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }] }),
        'in/deep/er/web.yml': deployment('a', 'web', '[{containerPort: 80}]'),
        'in/client.yaml': deployment('a', 'client', '[]'),
        'in/notes.txt': 'not: [a manifest',
      });
      const result = await run('in', '-o', 'json', '--all');
      expect(result.code).toBe(0);
      expect(verdicts(result.stdout)).toEqual(['a/client -> a/web 80/TCP allowed']);
    });

    it('reads several paths, given as files or folders, the same in any order', async () => {
      await writeShop();
      const forward = await run('shop/namespaces.yaml', 'shop/workloads.yaml', 'shop/policies', '-o', 'json', '--all');
      const backward = await run('shop/policies', 'shop/workloads.yaml', 'shop/namespaces.yaml', '-o', 'json', '--all');
      expect(verdicts(forward.stdout)).toEqual(SHOP_VERDICTS);
      expect(backward.stdout).toBe(forward.stdout);
    });

    it('notes the kinds it does not use on stderr and still succeeds', async () => {
      await writeShop();
      await writeFiles({ 'shop/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {a: b}\n' });
      const result = await run('shop', '-o', 'json', '--all');
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('k8s-security: note: skipped ConfigMap shop/settings: not used by the analyzer');
      expect(verdicts(result.stdout)).toEqual(SHOP_VERDICTS);
    });

    it('fails on a path that does not exist', async () => {
      expectOneLineFailure(await run('missing.yaml'), 'missing.yaml: cannot read (no such file or folder)');
    });

    it('fails on an unreadable file inside a folder (a dangling link)', async () => {
      await writeShop();
      await symlink(path.join(workDir, 'gone.yaml'), path.join(workDir, 'shop', 'dangling.yaml'));
      expectOneLineFailure(await run('shop'), path.join('shop', 'dangling.yaml'), 'no such file or folder');
    });

    it('fails on a folder without manifests', async () => {
      await writeFiles({ 'empty/readme.txt': 'nothing here' });
      expectOneLineFailure(await run('empty'), 'empty: no .yaml, .yml, .json files in this folder');
    });

    it('reports bad YAML with its file and line', async () => {
      await writeFiles({ 'bad.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: [x}\n' });
      expectOneLineFailure(await run('bad.yaml'), 'bad.yaml:3:', 'invalid YAML');
    });

    it('reports bad YAML in a later document with its own line', async () => {
      await writeFiles({ 'bad.yaml': `${SHOP_NAMESPACES}---\nkind: Pod\n  metadata: x\n` });
      // The yaml package points at the mapping the stray indentation breaks, on line 12.
      expectOneLineFailure(await run('bad.yaml'), 'bad.yaml:12:', 'invalid YAML');
    });

    it('reports a document that is not an object', async () => {
      await writeFiles({ 'list.yaml': `${SHOP_NAMESPACES}---\n- just\n- a list\n` });
      expectOneLineFailure(await run('list.yaml'), 'list.yaml:12: not a Kubernetes object: expected a mapping with apiVersion and kind (or pass --skip-invalid');
    });

    it('reports an object that misses data a rule needs: file, line, object and field', async () => {
      await writeFiles({
        'ok.yaml': SHOP_NAMESPACES,
        'broken.yaml': `${deployment('shop', 'web', '[]')}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec: {}\n`,
      });
      expectOneLineFailure(await run('.'), 'broken.yaml:14: Deployment shop/api: spec.template:');
    });

    it('reports a policy field that breaks a rule, by file and field', async () => {
      await writeFiles({
        'policy.json': JSON.stringify({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'odd', namespace: 'shop' },
          spec: { podSelector: { matchExpressions: [{ key: 'app', operator: 'Is', values: ['web'] }] } },
        }),
      });
      expectOneLineFailure(await run('policy.json'), 'policy.json:1: NetworkPolicy shop/odd: spec.podSelector.matchExpressions[0].operator:', 'use In, NotIn, Exists or DoesNotExist');
    });

    it('reads a policy declared twice identically once, without a word', async () => {
      const policy = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: twin, namespace: shop}\nspec: {podSelector: {}}\n';
      await writeShop();
      await writeFiles({ 'a.yaml': policy, 'b.yaml': policy });
      const result = await run('.', '-o', 'json');
      expect(result.code).toBe(0);
      expect(result.stderr).not.toContain('twin');
    });

    it('lets the later of two different policies with one name win, as kubectl apply does, and names both files', async () => {
      const policy = (types: string) =>
        `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: twin, namespace: shop}\nspec: {podSelector: {}, policyTypes: [${types}]}\n`;
      await writeShop();
      await writeFiles({ 'a.yaml': policy('Ingress'), 'b.yaml': policy('Egress') });
      const result = await run('.', '-o', 'json', '--port', '80');
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('note: NetworkPolicy shop/twin in b.yaml:1 replaces the different one in a.yaml:1, as kubectl apply would (the later wins)');
      // Only the egress-deny of b.yaml is in force: pods of shop no longer reach each other, as a.yaml alone would allow.
      const rows = (JSON.parse(result.stdout) as { connections: { from: string; to: string; allowed: boolean }[] }).connections;
      const inside = rows.filter((row) => row.from.startsWith('shop/') && row.to.startsWith('shop/') && row.from !== row.to);
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.every((row) => !row.allowed)).toBe(true);
    });

    it('reports two workloads that would share one endpoint name', async () => {
      await writeFiles({ 'm.yaml': `${deployment('shop', 'web', '[]')}---\n${deployment('shop', 'web', '[]').replace('kind: Deployment', 'kind: StatefulSet')}` });
      expectOneLineFailure(await run('m.yaml'), 'm.yaml:14: StatefulSet shop/web: metadata.name: endpoint id shop/web is already taken by a Deployment');
    });

    it('names a nameless object by its file and line', async () => {
      await writeFiles({ 'pods.yaml': `${SHOP_NAMESPACES}---\napiVersion: v1\nkind: Pod\nmetadata: {namespace: shop}\nspec: {containers: []}\n` });
      expectOneLineFailure(await run('pods.yaml'), 'pods.yaml:12:', 'metadata.name');
    });
  });

  describe('usage', () => {
    it('prints its usage with --help', async () => {
      const result = await run('--help');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: k8s-security analyze PATH...');
      expect(result.stdout).toContain('--external IP[:PORT/PROTO,...]');
    });

    it('needs at least one path', async () => {
      expectOneLineFailure(await run('-o', 'json'), 'analyze needs files or a cluster: k8s-security analyze PATH... (- for stdin), or --kubeconfig FILE');
    });

    it('rejects an unknown output format', async () => {
      await writeShop();
      expectOneLineFailure(await run('shop', '--output', 'xml'), '--output "xml" is not a format: use one of table, json, ndjson, csv, md, dot');
    });

    it('rejects an unknown flag', async () => {
      await writeShop();
      expectOneLineFailure(await run('shop', '--frm', 'shop/web'), "'--frm'", '--help');
    });

    it('gives the same bytes on every run', async () => {
      await writeShop();
      for (const format of ['table', 'json', 'ndjson', 'csv', 'md', 'dot']) {
        const all = format === 'dot' ? [] : ['--all'];
        const first = await run('shop', '-o', format, '--explain', ...all);
        const second = await run('shop', '-o', format, '--explain', ...all);
        expect(second.stdout).toBe(first.stdout);
        expect(first.stdout.endsWith('\n')).toBe(true);
      }
    });
  });
});
