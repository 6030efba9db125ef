/** The template's documentation page, rendered from the catalog entry. */
import {
  NAMESPACE_ISOLATION,
  NAMESPACE_ISOLATION_LAYERS,
  resolveNamespaceIsolationOptions,
  type EnvironmentDefinition,
} from '@k8s-security-pro/core';
import { banner } from '../banner.js';
import type { RenderTemplate } from '../handlebars-env.js';

export const DOCS_DIR = 'docs/templates';

export function renderTemplateDocs(render: RenderTemplate, environments: readonly EnvironmentDefinition[]): Map<string, string> {
  const entry = NAMESPACE_ISOLATION;
  const content = render('docs/template.md.hbs', {
    banner: banner('markdown'),
    entry: { ...entry, threatModel: { ...entry.threatModel, attackPath: entry.threatModel.attackPath.map((step, i) => `${i + 1}. ${step}`) } },
    cisIds: entry.cis.map((c) => c.id).join(', '),
    mitreIds: entry.mitre.map((m) => `${m.id} ${m.name}`).join(', '),
    layers: NAMESPACE_ISOLATION_LAYERS,
    environments: environments.map((environment) => ({
      name: environment.name,
      namespaces: resolveNamespaceIsolationOptions(environment.values).targetNamespaces.map((n) => `\`${n}\``).join(', '),
      differences: environment.differences.join(' '),
    })),
    steps: entry.verification.map((step, index) => ({
      ...step,
      number: index + 1,
      command: step.command.replaceAll('${NAMESPACE}', 'production').replaceAll('${OTHER_NAMESPACE}', 'dev'),
    })),
  });
  return new Map([[`${DOCS_DIR}/${entry.id}-${entry.slug}.md`, content]]);
}
