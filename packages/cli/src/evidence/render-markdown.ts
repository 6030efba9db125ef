/** The evidence bundle as Markdown: the same sections as the HTML, for repositories and tickets. */
import type { EvidenceBundle } from './bundle-model.js';
import type { BundleComparison } from './compare-bundles.js';

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, '<br>');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return ['_None._', ''];
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`), ''];
}

const mark = (status: string) => (status === 'pass' ? 'PASS' : status === 'fail' ? 'FAIL' : 'MANUAL');

export function renderEvidenceMarkdown(bundle: EvidenceBundle, comparison?: BundleComparison): string {
  const { summary } = bundle;
  const environments = bundle.namespaces.filter((namespace) => namespace.environment).map((namespace) => namespace.name);
  const lines: string[] = [
    `# Network segmentation evidence: ${summary.verdict === 'pass' ? 'PASS' : 'FAIL'}`,
    '',
    `Generated ${bundle.generatedAt} by ${bundle.tool.name} ${bundle.tool.version} from ${bundle.source.kind === 'cluster' ? 'a live cluster' : 'manifest files'}: ${bundle.source.description}.`,
    `Kubernetes: ${bundle.kubernetes.serverVersion ?? 'not applicable'} (${bundle.kubernetes.note}).`,
    '',
    '## Summary',
    '',
    ...table(
      ['What', 'Result'],
      [
        ['Overall verdict', summary.verdict.toUpperCase()],
        ['Namespaces audited', String(summary.namespacesAudited)],
        ['Network policies in effect', String(summary.policies)],
        ['Audit checks', `${summary.checks.passed} passed, ${summary.checks.failed} failed`],
        ['Isolation assertions', `${summary.assertions.passed} passed, ${summary.assertions.failed} failed`],
        ['Environments', environments.join(', ') || 'none'],
      ],
    ),
    '## Isolation between environments',
    '',
    ...table(
      ['Result', 'Assertion', 'Observed', 'Producer'],
      bundle.assertions.map((assertion) => [mark(assertion.status), assertion.statement, assertion.observed, assertion.producer]),
    ),
    '## Reachability between namespaces',
    '',
    bundle.reachability.method,
    '',
    ...table(
      ['From', 'To', 'Allowed', 'Checked', 'Examples of allowed connections'],
      bundle.reachability.pairs.filter((pair) => pair.from !== pair.to).map((pair) => [pair.from, pair.to, String(pair.allowed), String(pair.total), pair.allowedExamples.slice(0, 3).join('; ')]),
    ),
    '## Compliance controls',
    '',
    'PASS means the part of the control this template contributes holds in every audited namespace; it does not mean the control is met. MANUAL controls are not decided by the policies.',
    '',
  ];
  for (const framework of bundle.frameworks) {
    const source = framework.source;
    lines.push(`### ${framework.name}`, '', `Source: ${source.title}, ${source.publisher}, ${source.version}${source.published ? `, ${source.published}` : ''} (${source.url}).`, '');
    lines.push(
      ...table(
        ['Control', 'Result', 'Per namespace', 'What the template contributes', 'Not covered (operator)'],
        framework.controls.map((control) => [
          `${control.tag}: ${control.title}`,
          mark(control.status),
          control.namespaces.map((entry) => `${entry.namespace} ${mark(entry.status)}`).join(', '),
          control.contribution,
          control.notCovered.join(' '),
        ]),
      ),
    );
  }
  lines.push('## Policies in effect', '');
  lines.push(
    ...table(
      ['Namespace', 'Policy', 'Types', 'Selects', 'Digest'],
      bundle.namespaces.flatMap((namespace) => namespace.policies.map((policy) => [namespace.name, policy.name, policy.policyTypes.join(', '), policy.podSelector, policy.digest])),
    ),
  );
  lines.push('## Semantic audit', '');
  lines.push(...table(['Namespace', 'Check', 'Result', 'Finding'], bundle.audit.results.map((result) => [result.namespace, result.checkId, mark(result.status), result.message])));
  if (comparison) lines.push(...renderComparisonMarkdown(comparison));
  lines.push('## Notes', '', ...[...bundle.audit.skipped.map((skip) => `${skip.namespace} not audited: ${skip.reason}`), ...bundle.audit.notes].map((note) => `- ${note}`), '');
  if (bundle.source.files.length > 0) lines.push('## Input files', '', ...table(['File', 'sha256'], bundle.source.files.map((file) => [file.path, file.sha256])));
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/** The comparison of two bundles as a Markdown section. */
export function renderComparisonMarkdown(comparison: BundleComparison): string[] {
  return [
    `## Changes since ${comparison.previousGeneratedAt}`,
    '',
    comparison.changes.length === 0 ? 'Nothing changed.' : `${comparison.changes.length} change${comparison.changes.length === 1 ? '' : 's'}:`,
    '',
    ...comparison.changes.map((change) => `- **${change.section}**: ${change.description}`),
    '',
  ];
}
