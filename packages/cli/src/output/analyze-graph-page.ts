/**
 * The html report of `analyze --output html`: one self-contained page (a Content Security
 * Policy forbids loading anything) holding the graph data, the first picture, ELK and the
 * drawing functions inline, with filters (namespace, port, text), the list of pairs with their
 * allowed port sets, and the explanation of a selected pair.
 */
import type { GraphData } from './analyze-graph-data.js';
import { DRAWING_FUNCTIONS } from './analyze-graph-draw.js';

/** Pairs the list shows at once; the filters narrow the rest, and the count says how many match. */
export const LISTED_PAIRS_LIMIT = 300;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:0;padding:1rem}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1rem 0 .4rem}
#filters{display:flex;gap:1rem;flex-wrap:wrap;align-items:end;margin:.6rem 0}#filters label{display:flex;flex-direction:column;font-size:.85rem;color:#57606a}
input,select{font:inherit;padding:.2rem .4rem}.graph{overflow:auto;border:1px solid #d0d7de;border-radius:6px;max-height:75vh;background:#fff}
.fit .graph svg{max-width:100%;height:auto}.graph .edge,.graph .node{cursor:pointer}.graph .hidden{display:none}.graph .dim{opacity:.25}
#layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(18rem,2fr);gap:1rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.2rem .4rem;text-align:left;vertical-align:top;font-size:.85rem}
th{background:#f6f8fa}tbody tr{cursor:pointer}tbody tr:hover{background:#f6f8fa}.muted{color:#57606a}
#details pre{white-space:pre-wrap;font-size:.8rem;background:#f6f8fa;padding:.5rem;border-radius:6px}.allowed{color:#1a7f37}.denied{color:#a40e26}`;

/** The browser side: filters, the pair list, details and expanding a namespace (ELK in the page). */
const SCRIPT = String.raw`
'use strict';
const data = JSON.parse(document.getElementById('graph-data').textContent);
const PAIRS = data.pairs.length / 5;
const $ = (id) => document.getElementById(id);
const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const filters = { group: -1, port: '', text: '' };

function portMatches(set) {
  if (filters.port === '') return true;
  const wanted = filters.port.toUpperCase();
  return data.portSets[set].split(',').some((port) => port === wanted || port.split('/')[0] === wanted);
}
function pairMatches(k) {
  const from = data.pairs[k * 5], to = data.pairs[k * 5 + 1];
  if (filters.group >= 0 && data.endpointGroup[from] !== filters.group && data.endpointGroup[to] !== filters.group) return false;
  if (!portMatches(data.pairs[k * 5 + 2])) return false;
  if (filters.text !== '' && !data.endpoints[from].toLowerCase().includes(filters.text) && !data.endpoints[to].toLowerCase().includes(filters.text)) return false;
  return true;
}
function filtering() { return filters.group >= 0 || filters.port !== '' || filters.text !== ''; }

function listPairs() {
  const body = $('pairs').tBodies[0];
  const rows = [];
  let matched = 0;
  const groupPairs = new Set();
  for (let k = 0; k < PAIRS; k++) {
    if (!pairMatches(k)) continue;
    matched++;
    groupPairs.add(data.endpointGroup[data.pairs[k * 5]] + ' ' + data.endpointGroup[data.pairs[k * 5 + 1]]);
    if (rows.length < ${LISTED_PAIRS_LIMIT}) {
      rows.push('<tr data-pair="' + k + '"><td>' + esc(data.endpoints[data.pairs[k * 5]]) + '</td><td>' + esc(data.endpoints[data.pairs[k * 5 + 1]]) +
        '</td><td class="allowed">' + esc(data.portSets[data.pairs[k * 5 + 2]].replace(/,/g, ', ')) + '</td><td class="denied">' + esc(data.portSets[data.pairs[k * 5 + 3]].replace(/,/g, ', ') || '-') + '</td></tr>');
    }
  }
  body.innerHTML = rows.join('');
  $('match-count').textContent = matched + ' of ' + PAIRS + ' pairs with an allowed connection match' + (matched > rows.length ? '; the first ' + rows.length + ' are listed' : '');
  for (const svg of document.querySelectorAll('.graph svg')) markGraph(svg, groupPairs);
}

/** Hides the edges no matching pair stands for, and dims the nodes they leave alone. */
function markGraph(svg, groupPairs) {
  const touched = new Set();
  for (const edge of svg.querySelectorAll('g.edge')) {
    const [kind, index] = edge.dataset.id.split(':');
    let visible = true;
    if (filtering()) {
      visible = kind === 'p' ? pairMatches(Number(index)) : groupPairs.has(edge.dataset.from.slice(2) + ' ' + edge.dataset.to.slice(2));
    }
    edge.classList.toggle('hidden', !visible);
    if (visible) { touched.add(edge.dataset.from); touched.add(edge.dataset.to); }
  }
  for (const node of svg.querySelectorAll('g.node')) node.classList.toggle('dim', filtering() && !touched.has(node.dataset.id));
}

function explainPair(k) {
  const from = data.endpoints[data.pairs[k * 5]], to = data.endpoints[data.pairs[k * 5 + 1]];
  const explanation = data.pairs[k * 5 + 4];
  const lines = explanation >= 0 ? data.explanationSets[explanation].map((text) => data.texts[text]) : [];
  $('details').innerHTML = '<h2>' + esc(from) + ' &rarr; ' + esc(to) + '</h2><p>Allowed: <span class="allowed">' + esc(data.portSets[data.pairs[k * 5 + 2]].replace(/,/g, ', ')) +
    '</span><br>Denied: <span class="denied">' + esc(data.portSets[data.pairs[k * 5 + 3]].replace(/,/g, ', ') || '-') + '</span></p><pre id="explanation">' + esc(lines.join('\n')) + '</pre>';
}

function explainGroupPair(from, to) {
  const rows = [];
  let count = 0;
  for (let k = 0; k < PAIRS; k++) {
    if (data.endpointGroup[data.pairs[k * 5]] !== from || data.endpointGroup[data.pairs[k * 5 + 1]] !== to) continue;
    if (++count <= ${LISTED_PAIRS_LIMIT}) rows.push('<tr data-pair="' + k + '"><td>' + esc(data.endpoints[data.pairs[k * 5]]) + '</td><td>' + esc(data.endpoints[data.pairs[k * 5 + 1]]) + '</td><td class="allowed">' + esc(data.portSets[data.pairs[k * 5 + 2]].replace(/,/g, ', ')) + '</td></tr>');
  }
  $('details').innerHTML = '<h2>' + esc(data.groups[from]) + ' &rarr; ' + esc(data.groups[to]) + '</h2><p>' + count + ' pairs with an allowed connection' + (count > rows.length ? ', the first ' + rows.length + ' listed' : '') +
    '. Select one for its explanation.</p><table><thead><tr><th>From</th><th>To</th><th>Allowed</th></tr></thead><tbody>' + rows.join('') + '</tbody></table>';
}

/** Lays out one namespace's workloads and their peers with ELK, here in the page. */
async function expand(group) {
  const view = workloadView(data, group);
  const target = $('expanded');
  target.dataset.group = String(group);
  if (view.edges.length > ${2000}) {
    target.innerHTML = '<p class="muted">' + esc(data.groups[group]) + ': ' + view.edges.length + ' pairs, too many to draw; the list below has them.</p>';
    return;
  }
  target.innerHTML = '<p class="muted">Laying out ' + esc(data.groups[group]) + '...</p>';
  const laidOut = await new ELK().layout(elkGraphOf(view));
  target.innerHTML = drawSvg(view, laidOut, data.groups[group] + ': its workloads and every endpoint they exchange allowed connections with');
  listPairs();
}

function onGraphClick(event) {
  const edge = event.target.closest('g.edge');
  const node = event.target.closest('g.node,g.group');
  for (const selected of document.querySelectorAll('.graph .selected')) selected.classList.remove('selected');
  if (edge) {
    edge.classList.add('selected');
    const [kind, index] = edge.dataset.id.split(':');
    if (kind === 'p') explainPair(Number(index));
    else explainGroupPair(Number(edge.dataset.from.slice(2)), Number(edge.dataset.to.slice(2)));
  } else if (node) {
    node.classList.add('selected');
    const [kind, index] = node.dataset.id.split(':');
    if (kind === 'g') {
      $('group-filter').value = index;
      filters.group = Number(index);
      if (node.closest('#overview') && node.closest('svg').dataset.level === 'namespaces') expand(Number(index));
      else listPairs();
    } else {
      $('text-filter').value = data.endpoints[Number(index)];
      filters.text = data.endpoints[Number(index)].toLowerCase();
      listPairs();
    }
  }
}

$('group-filter').insertAdjacentHTML('beforeend', data.groups.map((group, index) => '<option value="' + index + '">' + esc(group) + '</option>').join(''));
$('group-filter').addEventListener('change', (event) => { filters.group = Number(event.target.value); listPairs(); });
$('port-filter').addEventListener('input', (event) => { filters.port = event.target.value.trim(); listPairs(); });
$('text-filter').addEventListener('input', (event) => { filters.text = event.target.value.trim().toLowerCase(); listPairs(); });
$('fit').addEventListener('change', (event) => document.body.classList.toggle('fit', event.target.checked));
for (const graph of document.querySelectorAll('.graph')) graph.addEventListener('click', onGraphClick);
for (const table of [$('pairs'), $('details')]) table.addEventListener('click', (event) => {
  const row = event.target.closest('tr[data-pair]');
  if (row) explainPair(Number(row.dataset.pair));
});
listPairs();
document.body.dataset.ready = 'true';
`;

/** Makes text safe inside a `<script>` element: no `</script>` or `<!--` can end or confuse it. */
function scriptText(text: string): string {
  return text.replace(/<(?=\/script|!--)/gi, '\\x3C');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The page, in chunks (the data of a big cluster is several megabytes). */
export function* graphPage(data: GraphData, overviewSvg: string, elkSource: string): Generator<string> {
  const pairs = data.pairs.length / 5;
  const title = `Reachability: ${data.endpoints.length} endpoints, ${pairs} pairs with an allowed connection`;
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">Made by k8s-security analyze. Select an edge for the ports it allows and why; select a namespace to draw its workloads; the filters narrow the picture and the list.</p>
<div id="filters">
<label>Namespace<select id="group-filter"><option value="-1">any</option></select></label>
<label>Port<input id="port-filter" placeholder="5432 or 53/UDP" size="12"></label>
<label>Endpoint contains<input id="text-filter" placeholder="name" size="24"></label>
<label><span><input id="fit" type="checkbox"> fit pictures to the width</span></label>
</div>
<div id="layout">
<div>
<div id="overview" class="graph">
${overviewSvg}
</div>
<div id="expanded" class="graph"></div>
</div>
<div id="details"><p class="muted">Nothing selected.</p></div>
</div>
<h2>Pairs with an allowed connection</h2>
<p id="match-count" class="muted"></p>
<table id="pairs"><thead><tr><th>From</th><th>To</th><th>Allowed</th><th>Denied</th></tr></thead><tbody></tbody></table>
<script id="graph-data" type="application/json">`;
  // JSON escapes "<" as \u003c, so no text of the data can end the element.
  yield JSON.stringify(data).replace(/</g, '\\u003c');
  yield `</script>
<script>
/* elkjs (Eclipse Layout Kernel), EPL-2.0: the layout engine, inlined so the page needs nothing else. */
${scriptText(elkSource)}
</script>
<script>
${scriptText(DRAWING_FUNCTIONS.map((fn) => fn.toString()).join('\n'))}
${scriptText(SCRIPT)}
</script>
</body>
</html>
`;
}
