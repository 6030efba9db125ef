/**
 * The evidence bundle as one self-contained HTML page for assessors who do not use Kubernetes:
 * plain-language headings and a glossary, no script, no external resource (a Content Security
 * Policy forbids any), printable. Every value is escaped.
 */
import type { EvidenceBundle, ReachabilityPair } from './bundle-model.js';
import type { BundleComparison } from './compare-bundles.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;max-width:72rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.pass{color:#116329;font-weight:600}.fail{color:#a40e26;font-weight:600}.manual{color:#6e5600;font-weight:600}
.verdict{display:inline-block;padding:.2rem .8rem;border-radius:.3rem;color:#fff}.verdict.pass{background:#1a7f37}.verdict.fail{background:#cf222e}
td.none{background:#dafbe1}td.partial{background:#fff8c5}td.all{background:#ffebe9}code{font-size:.85em;word-break:break-all}
.muted{color:#57606a}@media print{body{margin:0}h2{break-after:avoid}}`;

const statusWord = (status: string) => (status === 'pass' ? 'Pass' : status === 'fail' ? 'Fail' : 'Manual');
const status = (value: string) => `<span class="${escapeHtml(value)}">${statusWord(value)}</span>`;

function table(caption: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return `<p class="muted">None.</p>`;
  return [
    `<table><caption class="muted">${escapeHtml(caption)}</caption><thead><tr>${header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((row) => `<tr>${row.join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

const td = (text: string) => `<td>${escapeHtml(text)}</td>`;
const tdHtml = (html: string, className?: string) => `<td${className ? ` class="${className}"` : ''}>${html}</td>`;

function matrix(groups: readonly string[], pairs: readonly ReachabilityPair[]): string {
  const pairOf = new Map(pairs.map((pair) => [`${pair.from}\u0000${pair.to}`, pair]));
  const words = { none: 'isolated', partial: 'partly open', all: 'open' } as const;
  const rows = groups.map((from) => {
    const cells = groups.map((to) => {
      const pair = pairOf.get(`${from}\u0000${to}`);
      if (!pair) return tdHtml('<span class="muted">-</span>');
      return tdHtml(`${words[pair.level]}<br><span class="muted">${pair.allowed} of ${pair.total} allowed</span>`, pair.level);
    });
    return `<th scope="row">${escapeHtml(from)}</th>${cells.join('')}`;
  });
  return [
    '<table id="reachability-matrix"><caption class="muted">Rows: where a connection starts. Columns: where it goes.</caption>',
    `<thead><tr><th scope="col">from \\ to</th>${groups.map((group) => `<th scope="col">${escapeHtml(group)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((row) => `<tr>${row}</tr>`),
    '</tbody></table>',
  ].join('\n');
}

export function renderEvidenceHtml(bundle: EvidenceBundle, comparison?: BundleComparison): string {
  const { summary } = bundle;
  const environments = bundle.namespaces.filter((namespace) => namespace.environment).map((namespace) => namespace.name);
  const sections: string[] = [];
  sections.push(`<section id="summary"><h2>Summary</h2>
<p>This report shows whether the network rules of a Kubernetes cluster keep its environments apart. A <dfn>namespace</dfn> is a named area of the cluster, comparable to a network segment; a <dfn>network policy</dfn> is a firewall rule for the applications (<dfn>pods</dfn>) in a namespace. The results below were computed from the rules themselves by the k8s-security analyzer, not by sending traffic.</p>
${table('Summary', ['What', 'Result'], [
  [td('Overall verdict'), tdHtml(status(summary.verdict))],
  [td('Environments compared'), td(environments.join(', ') || 'none')],
  [td('Isolation assertions'), td(`${summary.assertions.passed} passed, ${summary.assertions.failed} failed`)],
  [td('Audit checks'), td(`${summary.checks.passed} passed, ${summary.checks.failed} failed`)],
  [td('Namespaces audited'), td(String(summary.namespacesAudited))],
  [td('Network policies in effect'), td(String(summary.policies))],
])}</section>`);
  sections.push(`<section id="assertions"><h2>Are the environments isolated from each other?</h2>
${table('Isolation assertions', ['Result', 'Assertion', 'What was found', 'Checked by'], bundle.assertions.map((a) => [tdHtml(status(a.status)), td(a.statement), td(a.observed), td(a.producer)]))}</section>`);
  sections.push(`<section id="reachability"><h2>Who can reach whom</h2><p class="muted">${escapeHtml(bundle.reachability.method)}</p>
${matrix(bundle.reachability.groups, bundle.reachability.pairs)}</section>`);
  const frameworks = bundle.frameworks.map((framework) => {
    const source = framework.source;
    return `<h3 id="framework-${escapeHtml(framework.id)}">${escapeHtml(framework.name)}</h3>
<p class="muted">Source: ${escapeHtml(`${source.title}, ${source.publisher}, ${source.version}${source.published ? `, ${source.published}` : ''}`)} (<a href="${escapeHtml(source.url)}">${escapeHtml(source.url)}</a>)</p>
${table(`${framework.name} controls`, ['Control', 'Result', 'Per namespace', 'What this template contributes', 'Not covered: the operator\u2019s part'], framework.controls.map((control) => [
  tdHtml(`<strong>${escapeHtml(control.tag)}</strong><br>${escapeHtml(control.title)}`),
  tdHtml(status(control.status)),
  td(control.namespaces.map((entry) => `${entry.namespace}: ${statusWord(entry.status)}`).join(', ')),
  td(control.contribution),
  tdHtml(`<ul>${control.notCovered.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`),
]))}`;
  });
  sections.push(`<section id="controls"><h2>Compliance controls</h2><p><strong>Pass</strong> means the part of the control this template contributes holds in every audited namespace. It does not mean the control is met: each row says what remains the operator\u2019s job. <strong>Manual</strong> controls cannot be decided from the rules.</p>
${frameworks.join('\n')}</section>`);
  sections.push(`<section id="policies"><h2>Network policies in effect</h2><p class="muted">Each digest is the SHA-256 of the policy as the Kubernetes API server stores it; the same policy gives the same digest from files or from the cluster.</p>
${table('Policies', ['Namespace', 'Policy', 'Directions', 'Applies to', 'Digest'], bundle.namespaces.flatMap((ns) => ns.policies.map((p) => [td(ns.name), td(p.name), td(p.policyTypes.join(', ')), td(p.podSelector), tdHtml(`<code>${escapeHtml(p.digest)}</code>`)])))}</section>`);
  sections.push(`<section id="audit"><h2>Semantic audit, per namespace</h2>
${table('Audit checks', ['Check', 'What it verifies'], bundle.audit.checks.map((check) => [td(`${check.id} ${check.name}`), td(check.summary)]))}
${table('Audit results', ['Namespace', 'Check', 'Result', 'Finding'], bundle.audit.results.map((r) => [td(r.namespace), td(r.checkId), tdHtml(status(r.status)), td(r.message)]))}</section>`);
  if (comparison) {
    sections.push(`<section id="changes"><h2>Changes since ${escapeHtml(comparison.previousGeneratedAt)}</h2>
${comparison.changes.length === 0 ? '<p>Nothing changed.</p>' : `<ul>${comparison.changes.map((c) => `<li><strong>${escapeHtml(c.section)}</strong>: ${escapeHtml(c.description)}</li>`).join('')}</ul>`}</section>`);
  }
  sections.push(`<section id="versions"><h2>Tool and Kubernetes versions</h2>
${table('Versions', ['Item', 'Value'], [
  [td('Generated'), td(bundle.generatedAt)],
  [td('Tool'), td(`${bundle.tool.name} ${bundle.tool.version}`)],
  [td('Kubernetes'), td(`${bundle.kubernetes.serverVersion ?? 'not applicable'} (${bundle.kubernetes.note})`)],
  [td('Input'), td(`${bundle.source.kind}: ${bundle.source.description}`)],
  ...bundle.source.files.map((file) => [td(`File ${file.path}`), tdHtml(`<code>sha256:${escapeHtml(file.sha256)}</code>`)]),
])}</section>`);
  const notes = [...bundle.audit.skipped.map((skip) => `${skip.namespace} not audited: ${skip.reason}`), ...bundle.audit.notes];
  sections.push(`<section id="notes"><h2>Notes and limits</h2><ul>${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></section>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Network segmentation evidence: ${summary.verdict === 'pass' ? 'PASS' : 'FAIL'} (${escapeHtml(bundle.generatedAt)})</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Network segmentation evidence</h1>
<p><span class="verdict ${summary.verdict}" id="verdict">${summary.verdict === 'pass' ? 'PASS' : 'FAIL'}</span> Generated ${escapeHtml(bundle.generatedAt)} by ${escapeHtml(`${bundle.tool.name} ${bundle.tool.version}`)} from ${bundle.source.kind === 'cluster' ? 'a live cluster' : 'manifest files'}.</p></header>
<main>
${sections.join('\n')}
</main>
</body>
</html>
`;
}
