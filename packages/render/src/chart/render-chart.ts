/** Renders `charts/k8s-security`, every file but the hand-written `tests/`. Pure: returns path -> content. */
import {
  ADMIN_TIER_PRIORITY,
  BASELINE_TIER_PRIORITY,
  clusterNetworkPolicies,
  ENVIRONMENTS,
  GUARDRAIL_RULES,
  NAMESPACE_ISOLATION,
  NAMESPACE_ISOLATION_LABELS,
  NAMESPACE_ISOLATION_LAYERS,
  namespaceIsolationPolicy,
  resolveNamespaceIsolationOptions,
  sortedRecord,
  SYSTEM_NAMESPACES,
  toYaml,
  type EnvironmentDefinition,
} from '@k8s-security-pro/core';
import { banner } from '../banner.js';
import type { RenderTemplate } from '../handlebars-env.js';
import { changesForVersion } from './changelog.js';
import { addCiliumTemplates } from './render-chart-cilium.js';
import { chartDefaultValues, chartTestsSchema, chartValuesJsonSchema } from './chart-values.js';
import { guardrailData } from './guardrail-data.js';
import { chartParameters, formatDefault } from './parameters.js';
import { renderDefaultValues, renderEnvironmentValues } from './values-files.js';

export const CHART_DIR = 'charts/k8s-security';
export const CHART_VERSION = '0.1.0';

/** The core's labels without the two the Helm route sets itself (name from nameOverride, managed-by Helm). */
function helmOwnLabels(): Record<string, string> {
  const { 'app.kubernetes.io/name': _name, 'app.kubernetes.io/managed-by': _managedBy, ...rest } = NAMESPACE_ISOLATION_LABELS;
  return rest;
}

/** `_guardrails.tpl`, whose failure message names the line of its own `define "k8s-security.guardrails"`. */
function renderGuardrails(render: RenderTemplate): string {
  const renderWith = (rulesLine: number) =>
    render('chart/templates/_guardrails.tpl.hbs', { banner: banner('helm'), data: toYaml(guardrailData()).trimEnd(), rulesLine });
  const line = renderWith(0).split('\n').findIndex((text) => text.startsWith('{{- define "k8s-security.guardrails" -}}')) + 1;
  if (line === 0) throw new Error('chart-builder: _guardrails.tpl.hbs lost its define "k8s-security.guardrails"');
  return renderWith(line);
}

/** Indents every line of `text` by `spaces`. */
function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

/** Verification steps with the namespace placeholders turned into Helm expressions. */
function helmVerificationSteps() {
  return NAMESPACE_ISOLATION.verification.map((step, index) => ({
    number: index + 1,
    title: step.title,
    expected: step.expected,
    command: step.command.replaceAll('${NAMESPACE}', '{{ $namespace }}').replaceAll('${OTHER_NAMESPACE}', 'default'),
  }));
}

/**
 * Annotations and priorities of the ClusterNetworkPolicies, taken from objects the core builds
 * (with placeholders turned into Helm expressions), so the routes cannot drift.
 */
function clusterNetworkPolicyHeader() {
  const [admin, baseline] = clusterNetworkPolicies(
    { targetNamespaces: ['placeholder-namespace'] },
    { environment: 'placeholder-environment', otherEnvironmentNamespaces: ['placeholder-other'] },
  );
  const annotations = (policy: typeof admin) =>
    indent(toYaml(policy!.metadata.annotations ?? {}), 4)
      .replaceAll('placeholder-environment', '{{ $env }}')
      .replaceAll('placeholder-namespace', '{{ $namespace }}');
  return {
    adminAnnotations: annotations(admin),
    baselineAnnotations: annotations(baseline),
    adminPriority: ADMIN_TIER_PRIORITY,
    baselinePriority: BASELINE_TIER_PRIORITY,
  };
}

export function renderChart(render: RenderTemplate, environments: readonly EnvironmentDefinition[] = ENVIRONMENTS, changelog?: string): Map<string, string> {
  const files = new Map<string, string>();
  const add = (path: string, content: string) => files.set(`${CHART_DIR}/${path}`, content);
  const defaults = resolveNamespaceIsolationOptions({});
  const schema = chartValuesJsonSchema();
  const parameters = chartParameters(schema as never);

  const changes = changelog === undefined ? undefined : indent(toYaml(changesForVersion(changelog, CHART_VERSION)), 4);
  const testImage = chartTestsSchema.parse({}).image;
  add('Chart.yaml', render('chart/Chart.yaml.hbs', { banner: banner('yaml'), summary: NAMESPACE_ISOLATION.summary, version: CHART_VERSION, changes, testImage }));
  add('.helmignore', render('chart/helmignore.hbs', { banner: banner('yaml') }));
  add('values.yaml', renderDefaultValues(chartDefaultValues(), parameters));
  for (const environment of environments) add(`values-${environment.name}.yaml`, renderEnvironmentValues(environment, environments));
  add('values.schema.json', `${JSON.stringify(schema, null, 2)}\n`);

  add(
    'templates/_helpers.tpl',
    render('chart/templates/_helpers.tpl.hbs', {
      banner: banner('helm'),
      labels: toYaml(sortedRecord(helmOwnLabels())).trimEnd(),
      systemNamespaces: SYSTEM_NAMESPACES.map((name) => JSON.stringify(name)).join(' '),
    }),
  );
  for (const layer of NAMESPACE_ISOLATION_LAYERS) {
    // Annotations are the core's, taken from a policy it builds, so the routes cannot drift.
    const annotations = namespaceIsolationPolicy(layer, 'placeholder', defaults).metadata.annotations ?? {};
    add(
      `templates/networkpolicy-${layer.policyName}.yaml`,
      render(`chart/templates/networkpolicy-${layer.policyName}.yaml.hbs`, {
        banner: banner('helm'),
        layer,
        annotations: indent(toYaml(annotations), 4),
      }),
    );
  }
  addCiliumTemplates(render, add, defaults);
  add('templates/_cidr.tpl', render('chart/templates/_cidr.tpl.hbs', { banner: banner('helm') }));
  add('templates/clusternetworkpolicies.yaml', render('chart/templates/clusternetworkpolicies.yaml.hbs', { banner: banner('helm'), ...clusterNetworkPolicyHeader() }));
  add('templates/_guardrails.tpl', renderGuardrails(render));
  add('templates/guardrails.yaml', render('chart/templates/guardrails.yaml.hbs', { banner: banner('helm') }));
  for (const test of ['dns', 'cross-namespace', 'isolation-present']) {
    add(`templates/tests/test-${test}.yaml`, render(`chart/templates/tests/test-${test}.yaml.hbs`, { banner: banner('helm') }));
  }
  add(
    'templates/NOTES.txt',
    render('chart/templates/NOTES.txt.hbs', {
      banner: banner('helm'),
      entry: {
        id: NAMESPACE_ISOLATION.id,
        title: NAMESPACE_ISOLATION.title,
        cis: NAMESPACE_ISOLATION.cis.map((c) => `CIS ${c.id}`).join(', '),
        mitre: NAMESPACE_ISOLATION.mitre.map((m) => `${m.id} ${m.name}`).join(', '),
      },
      steps: helmVerificationSteps(),
      layers: NAMESPACE_ISOLATION_LAYERS,
      adminPriority: ADMIN_TIER_PRIORITY,
      baselinePriority: BASELINE_TIER_PRIORITY,
    }),
  );
  add(
    'README.md',
    render('chart/README.md.hbs', {
      banner: banner('markdown'),
      summary: NAMESPACE_ISOLATION.summary,
      entry: {
        ...NAMESPACE_ISOLATION,
        verification: NAMESPACE_ISOLATION.verification.map((step) => ({
          ...step,
          command: step.command.replaceAll('${NAMESPACE}', 'production').replaceAll('${OTHER_NAMESPACE}', 'dev'),
        })),
      },
      cisIds: NAMESPACE_ISOLATION.cis.map((c) => c.id).join(', '),
      mitreIds: NAMESPACE_ISOLATION.mitre.map((m) => `${m.id} (${m.name})`).join(', '),
      layers: NAMESPACE_ISOLATION_LAYERS,
      environments,
      parameters: parameters.map((parameter) => ({ ...parameter, defaultText: formatDefault(parameter.defaultValue) })),
      guardrails: GUARDRAIL_RULES,
    }),
  );
  return files;
}
