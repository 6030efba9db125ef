/**
 * The picture of a reachability graph: which nodes and edges a view shows, the ELK graph that
 * lays them out, and the SVG drawn from ELK's answer. The same functions run in Node (the svg
 * output and the html report's first view) and in the browser (a namespace expanded on
 * demand): the html report embeds their source text, so each function here must stay
 * self-contained (no imports, no module-level helpers), and they are listed in
 * {@link DRAWING_FUNCTIONS}.
 */
import type { GraphData } from './analyze-graph-data.js';

export interface ViewNode {
  readonly id: string;
  readonly label: string;
  /** `group`: a namespace drawn as a box around its workloads. */
  readonly kind: 'namespace' | 'external' | 'workload' | 'group';
  readonly parent?: string;
  /** Tooltip text. */
  readonly title: string;
}

export interface ViewEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** Drawn on the edge: the allowed ports (workloads) or allowed/judged (namespaces). */
  readonly label: string;
  readonly title: string;
  /** Pair index into GraphData.pairs (workload edges), or group pair index (namespace edges). */
  readonly index: number;
}

export interface GraphView {
  readonly level: 'namespaces' | 'workloads';
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
}

/** The part of ELK's answer the drawing reads. */
export interface LaidOutNode {
  readonly id: string;
  readonly x?: number;
  readonly y?: number;
  readonly width?: number;
  readonly height?: number;
  readonly children?: readonly LaidOutNode[];
  readonly edges?: readonly LaidOutEdge[];
}

export interface LaidOutEdge {
  readonly id: string;
  readonly container?: string;
  readonly sections?: readonly { startPoint: Point; endPoint: Point; bendPoints?: readonly Point[] }[];
  readonly labels?: readonly { text?: string; x?: number; y?: number; width?: number; height?: number }[];
}

interface Point {
  readonly x: number;
  readonly y: number;
}

/** One node per namespace (and external IP); one edge per ordered pair of them with an allowed connection. */
export function namespaceView(data: GraphData): GraphView {
  const edges: ViewEdge[] = [];
  for (let k = 0; k < data.groupPairs.length; k += 4) {
    const from = data.groupPairs[k]!;
    const to = data.groupPairs[k + 1]!;
    const allowed = data.groupPairs[k + 2]!;
    const judged = data.groupPairs[k + 3]!;
    // Traffic inside a namespace shows when the namespace is expanded.
    if (from === to || allowed === 0) continue;
    const label = `${allowed}/${judged}`;
    edges.push({ id: `gp:${k / 4}`, from: `g:${from}`, to: `g:${to}`, label, title: `${data.groups[from]} -> ${data.groups[to]}: ${label} connections allowed`, index: k / 4 });
  }
  const nodes = data.groups.map((group, index): ViewNode => ({ id: `g:${index}`, label: group, kind: data.externals[index] ? 'external' : 'namespace', title: group }));
  return { level: 'namespaces', nodes, edges };
}

/**
 * The workloads of one group (`focus`, a group index) with every endpoint they reach or are
 * reached by, or, with `focus` -1, every endpoint; each namespace drawn as a box around its
 * workloads, one edge per pair with an allowed connection.
 */
export function workloadView(data: GraphData, focus: number): GraphView {
  const shown = new Set<number>();
  const edges: ViewEdge[] = [];
  const { pairs, endpointGroup, endpoints, portSets } = data;
  for (let k = 0; k < pairs.length; k += 5) {
    const from = pairs[k]!;
    const to = pairs[k + 1]!;
    if (focus >= 0 && endpointGroup[from] !== focus && endpointGroup[to] !== focus) continue;
    shown.add(from);
    shown.add(to);
    const allowed = portSets[pairs[k + 2]!]!;
    const denied = portSets[pairs[k + 3]!]!;
    const title = `${endpoints[from]} -> ${endpoints[to]}: allowed ${allowed}${denied ? `, denied ${denied}` : ''}`;
    edges.push({ id: `p:${k / 5}`, from: `e:${from}`, to: `e:${to}`, label: allowed, title, index: k / 5 });
  }
  if (focus < 0) endpoints.forEach((_, index) => shown.add(index));
  else endpoints.forEach((_, index) => endpointGroup[index] === focus && shown.add(index));
  const groups = new Set<number>();
  const nodes: ViewNode[] = [];
  for (const index of [...shown].sort((a, b) => a - b)) {
    const group = endpointGroup[index]!;
    const external = group >= 0 && data.externals[group] === 1;
    if (group >= 0 && !external) groups.add(group);
    const id = endpoints[index]!;
    const label = group >= 0 && !external ? id.slice(data.groups[group]!.length + 1) : id;
    nodes.push({ id: `e:${index}`, label, kind: external ? 'external' : 'workload', parent: group >= 0 && !external ? `g:${group}` : undefined, title: id });
  }
  const boxes = [...groups].sort((a, b) => a - b).map((group): ViewNode => ({ id: `g:${group}`, label: data.groups[group]!, kind: 'group', title: data.groups[group]! }));
  return { level: 'workloads', nodes: [...boxes, ...nodes], edges };
}

/** The ELK JSON graph of a view: layered left to right, the direction traffic flows. */
export function elkGraphOf(view: GraphView): object {
  const textWidth = (text: string, size: number) => Math.ceil(text.length * size * 0.6) + 16;
  const children = new Map<string | undefined, object[]>();
  const boxes = new Map<string, object[]>();
  for (const node of view.nodes) {
    if (node.kind !== 'group') continue;
    boxes.set(node.id, []);
  }
  for (const node of view.nodes) {
    if (node.kind === 'group') continue;
    const elkNode = { id: node.id, width: Math.max(60, textWidth(node.label, 12)), height: 28 };
    const list = node.parent !== undefined ? boxes.get(node.parent) : undefined;
    if (list) list.push(elkNode);
    else children.set(undefined, [...(children.get(undefined) ?? []), elkNode]);
  }
  const top: object[] = [...(children.get(undefined) ?? [])];
  for (const node of view.nodes) {
    if (node.kind !== 'group') continue;
    top.push({
      id: node.id,
      labels: [{ text: node.label, width: textWidth(node.label, 12), height: 16 }],
      layoutOptions: { 'elk.padding': '[top=28,left=12,bottom=12,right=12]', 'elk.nodeLabels.placement': 'INSIDE V_TOP H_LEFT' },
      children: boxes.get(node.id),
    });
  }
  // Labels on many edges cost layout time and hide each other; the tooltips and the list keep the ports.
  const labelled = view.level === 'workloads' && view.edges.length <= 60;
  const edges = view.edges.map((edge) => ({
    id: edge.id,
    sources: [edge.from],
    targets: [edge.to],
    ...(labelled ? { labels: [{ text: edge.label, width: textWidth(edge.label, 10), height: 14 }] } : {}),
  }));
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'POLYLINE',
      // Fast settings: namespace pictures of big clusters have hundreds of nodes.
      'elk.layered.thoroughness': '1',
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
      'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
      'elk.spacing.nodeNode': '14',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.edgeLabels.placement': 'CENTER',
    },
    children: top,
    edges,
  };
}

/**
 * Draws a laid-out view as SVG markup: `g.node[data-id]` per node, `g.edge[data-from][data-to]`
 * per edge, each with a `<title>` tooltip. Every text is escaped; numbers are rounded to one
 * decimal, so the same layout gives the same bytes.
 */
export function drawSvg(view: GraphView, laidOut: LaidOutNode, caption: string): string {
  const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const num = (value: number | undefined) => String(Math.round((value ?? 0) * 10) / 10);
  const byId = new Map(view.nodes.map((node) => [node.id, node]));
  const edgeById = new Map(view.edges.map((edge) => [edge.id, edge]));
  const origin = new Map<string, { x: number; y: number }>([['root', { x: 0, y: 0 }]]);
  const boxes: string[] = [];
  const nodes: string[] = [];
  const walk = (node: LaidOutNode, x: number, y: number) => {
    for (const child of node.children ?? []) {
      const cx = x + (child.x ?? 0);
      const cy = y + (child.y ?? 0);
      origin.set(child.id, { x: cx, y: cy });
      const info = byId.get(child.id);
      if (!info) continue;
      const dataId = `data-id="${esc(child.id)}" data-kind="${info.kind}"`;
      const title = `<title>${esc(info.title)}</title>`;
      if (info.kind === 'group') {
        boxes.push(
          `<g class="group" ${dataId}>${title}<rect x="${num(cx)}" y="${num(cy)}" width="${num(child.width)}" height="${num(child.height)}" rx="6"/><text x="${num(cx + 10)}" y="${num(cy + 18)}">${esc(info.label)}</text></g>`,
        );
        walk(child, cx, cy);
      } else {
        nodes.push(
          `<g class="node ${info.kind}" ${dataId}>${title}<rect x="${num(cx)}" y="${num(cy)}" width="${num(child.width)}" height="${num(child.height)}" rx="${info.kind === 'workload' ? 4 : 12}"/><text x="${num(cx + (child.width ?? 0) / 2)}" y="${num(cy + 18)}" text-anchor="middle">${esc(info.label)}</text></g>`,
        );
      }
    }
  };
  walk(laidOut, 0, 0);
  const edges: string[] = [];
  const collectEdges = (node: LaidOutNode) => {
    for (const edge of node.edges ?? []) {
      const info = edgeById.get(edge.id);
      if (!info) continue;
      // ELK gives edge coordinates relative to the edge's container node.
      const base = origin.get(edge.container ?? node.id) ?? { x: 0, y: 0 };
      const points = (edge.sections ?? []).flatMap((section) => [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]);
      const path = points.map((point, k) => `${k === 0 ? 'M' : 'L'}${num(base.x + point.x)} ${num(base.y + point.y)}`).join(' ');
      const labels = (edge.labels ?? [])
        .map((label) => `<text class="label" x="${num(base.x + (label.x ?? 0) + (label.width ?? 0) / 2)}" y="${num(base.y + (label.y ?? 0) + 11)}" text-anchor="middle">${esc(label.text ?? '')}</text>`)
        .join('');
      edges.push(
        `<g class="edge" data-id="${esc(info.id)}" data-from="${esc(info.from)}" data-to="${esc(info.to)}"><title>${esc(info.title)}</title><path d="${path}" marker-end="url(#arrow)"/>${labels}</g>`,
      );
    }
    for (const child of node.children ?? []) collectEdges(child);
  };
  collectEdges(laidOut);
  const width = (laidOut.width ?? 0) + 20;
  const height = (laidOut.height ?? 0) + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="reachability-graph" data-level="${view.level}" width="${num(width)}" height="${num(height)}" viewBox="-10 -30 ${num(width)} ${num(height)}" font-family="system-ui,sans-serif" font-size="12">`,
    '<style>.group rect{fill:#f6f8fa;stroke:#8c959f}.group text{font-weight:600;fill:#24292f}.node rect{fill:#ddf4ff;stroke:#0969da}.node.namespace rect{fill:#fff8c5;stroke:#9a6700}.node.external rect{fill:#ffebe9;stroke:#cf222e}.edge path{fill:none;stroke:#57606a;stroke-width:1.2}.edge .label{font-size:10px;fill:#1a7f37}.edge:hover path,.edge.selected path{stroke:#cf222e;stroke-width:2.5}.node.selected rect{stroke-width:3}</style>',
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#57606a"/></marker></defs>',
    `<text x="0" y="-12" font-size="13" font-weight="600">${esc(caption)}</text>`,
    ...boxes,
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}

/** The functions the html report embeds, by name, to lay out and draw in the browser. */
export const DRAWING_FUNCTIONS: readonly ((...args: never[]) => unknown)[] = [namespaceView, workloadView, elkGraphOf, drawSvg];
