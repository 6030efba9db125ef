/**
 * `analyze --output svg` and `--output html`: the reachability graph laid out by ELK (elkjs,
 * the Eclipse Layout Kernel compiled to JavaScript). Layered layout suits reachability: edges
 * are directed, and ELK draws them flowing one way, with namespaces as boxes around their
 * workloads; it runs unchanged in Node (svg, the html's first view) and in the browser
 * (namespaces expanded on demand), so both pictures come from one layout engine.
 *
 * Big clusters are drawn per namespace: past {@link WORKLOAD_DETAIL_LIMITS} the first view has
 * one node per namespace, and the html report expands a namespace into its workloads on click.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { GraphData } from './analyze-graph-data.js';
import { drawSvg, elkGraphOf, namespaceView, workloadView, type GraphView, type LaidOutNode } from './analyze-graph-draw.js';
import { graphPage } from './analyze-graph-page.js';
import { ChunkedWriter, type TextTarget } from './text-output.js';

/** Up to these sizes the first picture shows every workload; past them, one node per namespace. */
export const WORKLOAD_DETAIL_LIMITS = { endpoints: 150, pairs: 600 } as const;

const ELK_BUNDLE = 'elkjs/lib/elk.bundled.js';

interface Elk {
  layout(graph: object): Promise<LaidOutNode>;
}

/** The first view: every workload when the cluster is small enough to read that way, else the namespaces. */
export function overviewOf(data: GraphData, namespacesOnly: boolean): GraphView {
  const pairs = data.pairs.length / 5;
  const detailed = !namespacesOnly && data.endpoints.length <= WORKLOAD_DETAIL_LIMITS.endpoints && pairs <= WORKLOAD_DETAIL_LIMITS.pairs;
  return detailed ? workloadView(data, -1) : namespaceView(data);
}

/** Lays a view out with ELK in this process; loaded on first use, so other outputs never pay for it. */
export async function layOut(view: GraphView): Promise<LaidOutNode> {
  const require = createRequire(import.meta.url);
  const ELK = require(ELK_BUNDLE) as new () => Elk;
  return new ELK().layout(elkGraphOf(view));
}

/** The caption over a picture: what it shows and how much of the analysis that is. */
export function captionOf(data: GraphData, view: GraphView): string {
  const pairs = data.pairs.length / 5;
  return view.level === 'workloads'
    ? `${data.endpoints.length} endpoints, ${pairs} pairs with an allowed connection`
    : `${data.groups.length} namespaces (${data.endpoints.length} endpoints, ${pairs} pairs with an allowed connection); edges: allowed/judged connections`;
}

/** `--output svg`: one standalone SVG document of the first view. */
export async function writeGraphSvg(data: GraphData, namespacesOnly: boolean, target: TextTarget): Promise<void> {
  const view = overviewOf(data, namespacesOnly);
  const svg = drawSvg(view, await layOut(view), captionOf(data, view));
  const out = new ChunkedWriter(target);
  out.write(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
  out.flush();
}

/** `--output html`: one self-contained page with the picture, the pairs, filters and explanations. */
export async function writeGraphHtml(data: GraphData, namespacesOnly: boolean, target: TextTarget): Promise<void> {
  const view = overviewOf(data, namespacesOnly);
  const svg = drawSvg(view, await layOut(view), captionOf(data, view));
  const elkSource = readFileSync(createRequire(import.meta.url).resolve(ELK_BUNDLE), 'utf8');
  const out = new ChunkedWriter(target);
  for (const chunk of graphPage(data, svg, elkSource)) out.write(chunk);
  out.flush();
}
