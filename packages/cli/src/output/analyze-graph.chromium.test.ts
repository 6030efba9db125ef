/**
 * Opens `analyze --output html` in Debian's headless Chromium and checks what a reader sees
 * against the analysis itself: one node per endpoint and one edge per allowed pair (the json
 * output's), the filters, the explanation of a selected edge, a big cluster drawn per
 * namespace and expanded on a click, and a page that loads nothing but itself. Screenshots go
 * to packages/cli/test-output/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { namespaceIsolation, toYamlStream } from '@k8s-security-pro/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { launchChromium, type HeadlessChromium } from '../test-support/chromium.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../test-output/', import.meta.url));
const SMALL = ['examples/reference-cluster.yaml', 'manifests/14_namespace_isolation-prod.yaml'];

interface Pair {
  readonly from: string;
  readonly to: string;
  readonly allowed: string[];
  readonly denied: string[];
  readonly explanations?: string[];
}

async function cli(args: readonly string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: { write: (chunk: string) => ((out += chunk), true) }, stderr: { write: (chunk: string) => ((err += chunk), true) }, cwd: REPO });
  if (code !== 0) throw new Error(`k8s-security ${args.join(' ')} exited ${code}: ${err}`);
  return out;
}

/** Opens a page, recording every request and console error. */
async function open(file: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await chromium.context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, requests, errors };
}

/** The edges a graph shows, as "from -> to" endpoint ids, read through the nodes' tooltips. */
async function shownEdges(page: Page, graph: string): Promise<string[]> {
  const names = new Map(
    await page.locator(`${graph} g.node`).evaluateAll((nodes) => nodes.map((node): [string, string] => [node.getAttribute('data-id') ?? '', node.querySelector('title')?.textContent ?? ''])),
  );
  const edges = await page.locator(`${graph} g.edge:not(.hidden)`).evaluateAll((nodes) => nodes.map((edge) => [edge.getAttribute('data-from') ?? '', edge.getAttribute('data-to') ?? '']));
  return edges.map(([from, to]) => `${names.get(from!) ?? from} -> ${names.get(to!) ?? to}`).sort();
}

let dir: string;
let chromium: HeadlessChromium;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-analyze-html-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('analyze --output html in headless Chromium', () => {
  let html: string;
  let pairs: Pair[];
  let endpoints: string[];

  beforeAll(async () => {
    html = path.join(dir, 'small.html');
    writeFileSync(html, await cli(['analyze', ...SMALL, '-o', 'html']));
    pairs = JSON.parse(await cli(['analyze', ...SMALL, '-o', 'json', '--explain'])).pairs;
    // The dot output declares every endpoint, the ones without any pair too.
    const dot = await cli(['analyze', ...SMALL, '-o', 'dot']);
    endpoints = [...dot.matchAll(/^\s+"([^"]+)" \[(?:label|shape=ellipse)/gm)].map((match) => match[1]!).filter((id) => !id.startsWith('group:'));
  }, 60_000);

  it('draws one node per endpoint and one edge per allowed pair, loading nothing but itself', async () => {
    const { page, requests, errors } = await open(html);
    expect(await page.locator('#overview svg').getAttribute('data-level')).toBe('workloads');
    const nodes = await page.locator('#overview g.node > title').allTextContents();
    expect(nodes.sort()).toEqual([...endpoints].sort());
    expect(await page.locator('#overview g.edge').count()).toBe(pairs.length);
    expect(await shownEdges(page, '#overview')).toEqual(pairs.map((pair) => `${pair.from} -> ${pair.to}`).sort());
    expect(await page.locator('#pairs tbody tr').count()).toBe(pairs.length);
    expect(requests).toEqual([pathToFileURL(html).href]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'analyze-html-workloads.png'), fullPage: true });
    await page.close();
  });

  it('has a request check that notices an outside resource (the check can fail)', async () => {
    const broken = path.join(dir, 'broken.html');
    const page = readFileSync(html, 'utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', '<img src="pixel.gif" alt=""></body>');
    writeFileSync(broken, page);
    writeFileSync(path.join(dir, 'pixel.gif'), Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
    const opened = await open(broken);
    expect(opened.requests).toEqual([pathToFileURL(broken).href, pathToFileURL(path.join(dir, 'pixel.gif')).href]);
    await opened.page.close();
  });

  it('narrows the picture and the list to a namespace, a port and a name', async () => {
    const { page } = await open(html);
    const expectShown = async (wanted: Pair[]) => {
      expect(await shownEdges(page, '#overview')).toEqual(wanted.map((pair) => `${pair.from} -> ${pair.to}`).sort());
      expect(await page.locator('#pairs tbody tr').count()).toBe(wanted.length);
      expect(await page.locator('#match-count').textContent()).toMatch(new RegExp(`^${wanted.length} of ${pairs.length} pairs`));
    };
    const dev = pairs.filter((pair) => pair.from.startsWith('dev/') || pair.to.startsWith('dev/'));
    expect(dev.length).toBeGreaterThan(0);
    expect(dev.length).toBeLessThan(pairs.length);
    await page.selectOption('#group-filter', { label: 'dev' });
    await expectShown(dev);
    expect(await page.locator('#overview g.node.dim').count()).toBeGreaterThan(0);
    const dns = dev.filter((pair) => pair.allowed.some((port) => port.startsWith('53/')));
    expect(dns.length).toBeGreaterThan(0);
    await page.fill('#port-filter', '53');
    await expectShown(dns);
    await page.fill('#port-filter', '');
    await page.selectOption('#group-filter', { label: 'any' });
    const named = pairs.filter((pair) => `${pair.from} ${pair.to}`.includes('coredns'));
    await page.fill('#text-filter', 'coredns');
    await expectShown(named);
    await page.close();
  });

  it('explains the pair of a selected edge as --explain does', async () => {
    const { page } = await open(html);
    const pair = pairs.find((candidate) => candidate.denied.length > 0) ?? pairs[0]!;
    const edge = page.locator('#overview g.edge').filter({ has: page.locator('title', { hasText: new RegExp(`^${pair.from} -> ${pair.to}:`) }) });
    await edge.dispatchEvent('click');
    expect(await page.locator('#details h2').textContent()).toBe(`${pair.from} → ${pair.to}`);
    expect(await page.locator('#explanation').textContent()).toBe(pair.explanations!.join('\n'));
    await page.close();
  });
});

describe('analyze --output html of a cluster too big to draw per workload', () => {
  const NAMESPACES = 40;
  const PER_NAMESPACE = 5;

  it('draws one node per namespace and expands a namespace into its workloads on a click', async () => {
    const names = Array.from({ length: NAMESPACES }, (_, i) => `team-${String(i).padStart(2, '0')}`);
    const objects: object[] = [];
    for (const [namespace, name, port] of [['ingress-nginx', 'controller', 80], ['kube-system', 'coredns', 53], ['monitoring', 'prometheus', 9090]] as const) {
      objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } } });
      objects.push(deployment(namespace, name, port));
    }
    for (const name of names) {
      objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
      for (let k = 0; k < PER_NAMESPACE; k++) objects.push(deployment(name, `app-${k}`, 8080));
    }
    objects.push(...namespaceIsolation({ targetNamespaces: names }));
    const input = path.join(dir, 'big.yaml');
    writeFileSync(input, toYamlStream(objects));
    const html = path.join(dir, 'big.html');
    writeFileSync(html, await cli(['analyze', input, '-o', 'html']));
    const summary = JSON.parse(await cli(['analyze', input, '--summary', '-o', 'json'])) as { groups: string[]; pairs: { from: string; to: string }[] };
    const pairs = JSON.parse(await cli(['analyze', input, '-o', 'json'])).pairs as Pair[];

    const { page, requests, errors } = await open(html);
    expect(await page.locator('#overview svg').getAttribute('data-level')).toBe('namespaces');
    expect((await page.locator('#overview g.node > title').allTextContents()).sort()).toEqual([...summary.groups].sort());
    const between = summary.pairs.filter((pair) => pair.from !== pair.to).map((pair) => `${pair.from} -> ${pair.to}`);
    expect(between.length).toBeGreaterThan(NAMESPACES);
    expect(await shownEdges(page, '#overview')).toEqual(between.sort());
    await page.locator('#overview g.node[data-kind="namespace"]', { has: page.locator('title', { hasText: /^team-07/ }) }).dispatchEvent('click');
    await page.waitForSelector('#expanded svg');
    const involved = pairs.filter((pair) => pair.from.startsWith('team-07/') || pair.to.startsWith('team-07/'));
    expect(await shownEdges(page, '#expanded')).toEqual(involved.map((pair) => `${pair.from} -> ${pair.to}`).sort());
    const expandedNodes = await page.locator('#expanded g.node > title').allTextContents();
    expect(expandedNodes.filter((id) => id.startsWith('team-07/')).sort()).toEqual(Array.from({ length: PER_NAMESPACE }, (_, k) => `team-07/app-${k}`));
    expect(await page.locator('#pairs tbody tr').count()).toBe(involved.length);
    expect(requests).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'analyze-html-namespaces.png'), fullPage: true });
    await page.close();
  }, 120_000);
});

function deployment(namespace: string, name: string, port: number): object {
  const labels = name === 'coredns' ? { 'k8s-app': 'kube-dns' } : name === 'prometheus' ? { 'app.kubernetes.io/name': 'prometheus' } : { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'main', image: 'registry.example/app:1', ports: [{ containerPort: port, protocol: port === 53 ? 'UDP' : 'TCP' }] }] },
      },
    },
  };
}
