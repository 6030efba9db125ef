/**
 * Opens the HTML evidence bundle in Debian's headless Chromium and checks what a reader sees:
 * the verdict, every section, the reachability matrix, the controls with their sources, and
 * that the page loads nothing but itself.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { launchChromium, type HeadlessChromium } from '../test-support/chromium.js';
import type { EvidenceBundle } from './bundle-model.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const SECTIONS = ['summary', 'assertions', 'reachability', 'controls', 'policies', 'audit', 'versions', 'notes'];

interface PageView {
  readonly title: string;
  readonly verdict: string;
  readonly sections: string[];
  readonly headings: string[];
  readonly matrixRows: string[];
  readonly matrixColumns: string[];
  readonly frameworks: string[];
  readonly digests: number;
  readonly requests: string[];
  readonly consoleErrors: string[];
}

/** What the page shows, read through the DOM the browser built. */
async function view(page: Page, url: string): Promise<PageView> {
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  await page.goto(url);
  return {
    title: await page.title(),
    verdict: (await page.locator('#verdict').textContent()) ?? '',
    sections: await page.locator('main > section').evaluateAll((nodes) => nodes.map((node) => node.id)),
    headings: await page.locator('h2').allTextContents(),
    matrixRows: await page.locator('#reachability-matrix tbody th').allTextContents(),
    matrixColumns: (await page.locator('#reachability-matrix thead th').allTextContents()).slice(1),
    frameworks: await page.locator('#controls h3').allTextContents(),
    digests: await page.locator('#policies code').count(),
    requests,
    consoleErrors,
  };
}

/** Structure problems a reader would notice; `[]` when the page is complete. */
function structureProblems(page: PageView, bundle: EvidenceBundle): string[] {
  const problems: string[] = [];
  const missing = SECTIONS.filter((id) => !page.sections.includes(id));
  if (missing.length > 0) problems.push(`missing sections: ${missing.join(', ')}`);
  if (page.verdict !== bundle.summary.verdict.toUpperCase()) problems.push(`verdict shows "${page.verdict}"`);
  if (page.matrixRows.join() !== bundle.reachability.groups.join() || page.matrixColumns.join() !== bundle.reachability.groups.join()) problems.push('matrix does not list every group');
  if (page.frameworks.join() !== bundle.frameworks.map((f) => f.name).join()) problems.push(`frameworks: ${page.frameworks.join(', ')}`);
  const policyCount = bundle.namespaces.reduce((sum, ns) => sum + ns.policies.length, 0);
  if (page.digests !== policyCount) problems.push(`${page.digests} digests for ${policyCount} policies`);
  if (page.requests.length !== 1) problems.push(`the page loaded ${page.requests.length - 1} other resources: ${page.requests.slice(1).join(', ')}`);
  if (page.consoleErrors.length > 0) problems.push(`console errors: ${page.consoleErrors.join('; ')}`);
  return problems;
}

let dir: string;
let chromium: HeadlessChromium;
let html: string;
let bundle: EvidenceBundle;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'k8s-security-evidence-html-'));
  const args = [
    'evidence', 'examples/reference-cluster.yaml', 'manifests/14_namespace_isolation-prod.yaml', '--exclude', 'ingress-nginx,monitoring',
    '--out', dir, '--timestamp', '2026-03-01T12:00:00Z',
  ];
  await main(args, { stdout: { write: () => true }, stderr: { write: () => true }, cwd: REPO });
  html = path.join(dir, 'k8s-security-evidence-20260301T120000Z.html');
  bundle = JSON.parse(readFileSync(path.join(dir, 'k8s-security-evidence-20260301T120000Z.json'), 'utf8'));
  chromium = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the HTML evidence bundle in headless Chromium', () => {
  it('shows the verdict, every section, the matrix, the frameworks and a digest per policy, loading nothing else', async () => {
    const page = await chromium.context.newPage();
    const shown = await view(page, pathToFileURL(html).href);
    expect(structureProblems(shown, bundle)).toEqual([]);
    expect(shown.title).toBe('Network segmentation evidence: FAIL (2026-03-01T12:00:00Z)');
    expect(shown.headings).toContain('Are the environments isolated from each other?');
    expect(await page.locator('#assertions tbody tr').count()).toBe(bundle.assertions.length);
    expect(await page.locator('#assertions tbody tr', { hasText: 'No pod of dev can open a connection to a pod of staging.' }).locator('.fail').count()).toBe(1);
    expect(await page.locator('#reachability-matrix td.none').first().textContent()).toMatch(/^isolated\d+ of \d+ allowed$/);
    expect(await page.locator('#framework-pci-dss + p').textContent()).toContain('PCI Security Standards Council, v4.0');
    await page.close();
  });

  it('has a structure check that notices a missing section and an outside resource (the check can fail)', async () => {
    const broken = readFileSync(html, 'utf8')
      .replace(/<section id="policies">[\s\S]*?<\/section>/, '')
      .replace('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">', '')
      .replace('</body>', '<img src="pixel.gif" alt=""></body>');
    const file = path.join(dir, 'broken.html');
    writeFileSync(file, broken);
    writeFileSync(path.join(dir, 'pixel.gif'), Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
    const page = await chromium.context.newPage();
    const problems = structureProblems(await view(page, pathToFileURL(file).href), bundle);
    expect(problems).toEqual(expect.arrayContaining(['missing sections: policies', expect.stringMatching(/digests for \d+ policies/), expect.stringMatching(/^the page loaded 1 other resources: file:\/\/.*\/pixel\.gif$/)]));
    await page.close();
    expect(readdirSync(dir).filter((name) => name.startsWith('k8s-security-chromium'))).toEqual([]);
  });
});
