/** `analyze --output svg|html` run in-process: what is drawn, at which level, and what is refused. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const SMALL = ['examples/reference-cluster.yaml', 'manifests/14_namespace_isolation-prod.yaml'];

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['analyze', ...args], { stdout: { write: (text: string) => ((stdout += text), true) }, stderr: { write: (text: string) => ((stderr += text), true) }, cwd: REPO });
  return { code, stdout, stderr };
}

const count = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].length;

describe('analyze --output svg', () => {
  it('draws one node per endpoint and one edge per allowed pair, the same bytes every run', async () => {
    const first = await run([...SMALL, '-o', 'svg']);
    const second = await run([...SMALL, '-o', 'svg']);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const pairs = JSON.parse((await run([...SMALL, '-o', 'json'])).stdout).pairs as { from: string; to: string }[];
    expect(first.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="reachability-graph" data-level="workloads"/);
    expect(first.stdout.trimEnd().endsWith('</svg>')).toBe(true);
    expect(count(first.stdout, /<g class="edge"/g)).toBe(pairs.length);
    for (const pair of pairs.slice(0, 10)) expect(first.stdout).toContain(`<title>${pair.from} -&gt; ${pair.to}: allowed `);
    expect(count(first.stdout, /<g class="node workload"/g)).toBe(12);
  }, 180_000);

  it('draws namespaces only with --summary, and narrows to --from', async () => {
    const summary = await run([...SMALL, '--summary', '-o', 'svg']);
    const groups = JSON.parse((await run([...SMALL, '--summary', '-o', 'json'])).stdout).groups as string[];
    expect(summary.stdout).toContain('data-level="namespaces"');
    expect(count(summary.stdout, /<g class="node namespace"/g)).toBe(groups.length);
    const from = await run([...SMALL, '--from', 'dev/app', '-o', 'svg']);
    const fromPairs = JSON.parse((await run([...SMALL, '--from', 'dev/app', '-o', 'json'])).stdout).pairs as unknown[];
    expect(count(from.stdout, /<g class="edge"/g)).toBe(fromPairs.length);
  }, 180_000);

  it('refuses --all, which adds denied pairs the picture does not draw', async () => {
    for (const format of ['svg', 'html', 'dot']) {
      const { code, stdout, stderr } = await run([...SMALL, '--all', '-o', format]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`k8s-security: --all adds the pairs where every port is denied, which the ${format} picture does not draw: drop --all (the picture shows allowed connections), or use --all with -o ndjson\n`);
    }
  });
});

describe('analyze --output html', () => {
  it('is one page whose data, script and styles are inline, and whose data cannot end its script element', async () => {
    const { code, stdout } = await run([...SMALL, '-o', 'html']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^<!DOCTYPE html>/);
    expect(stdout).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'"`);
    expect(stdout).not.toMatch(/<(script|link|img|iframe)[^>]*\s(src|href)=/i);
    const data = /<script id="graph-data" type="application\/json">([\s\S]*?)<\/script>/.exec(stdout)![1]!;
    expect(data).not.toContain('<');
    expect(JSON.parse(data).endpoints).toHaveLength(12);
    expect(count(stdout, /<\/script>/g)).toBe(3);
  }, 180_000);
});
