/**
 * Everything the generator owns, rendered in memory: the chart (but its hand-written tests/),
 * the Kustomize tree, the plain manifests and the template docs. Pure: path -> content.
 */
import { ENVIRONMENTS, type EnvironmentDefinition } from '@k8s-security-pro/core';
import { CHART_DIR, renderChart } from './chart/render-chart.js';
import { renderTemplateDocs, DOCS_DIR } from './docs/render-docs.js';
import type { RenderTemplate } from './handlebars-env.js';
import { KUSTOMIZE_DIR, renderKustomizeBase, renderKustomizeOverlay } from './kustomize/render-kustomize.js';
import { MANIFESTS_DIR, renderManifests } from './manifests/render-manifests.js';
import { THREAT_MODEL_DIR, renderThreatModel } from './threat-model/render-threat-model.js';

/** Folders whose files the generator owns; anything else in them is stale. */
export const GENERATED_ROOTS: readonly string[] = [CHART_DIR, KUSTOMIZE_DIR, MANIFESTS_DIR, DOCS_DIR, THREAT_MODEL_DIR];

/** Hand-written files inside generated roots, left alone. */
export const HAND_WRITTEN: readonly string[] = [`${CHART_DIR}/tests/`];

/**
 * Renders every generated file. `changelog` (CHANGELOG.md's text) gives the chart its
 * `artifacthub.io/changes`; the build script always passes it.
 */
export function renderProject(
  render: RenderTemplate,
  environments: readonly EnvironmentDefinition[] = ENVIRONMENTS,
  changelog?: string,
): Map<string, string> {
  const files = new Map<string, string>();
  const merge = (part: Map<string, string>) => part.forEach((content, path) => files.set(path, content));
  merge(renderChart(render, environments, changelog));
  merge(renderKustomizeBase());
  for (const environment of environments) {
    merge(renderKustomizeOverlay(environment));
    merge(renderManifests(environment));
    merge(renderThreatModel(environment));
  }
  merge(renderTemplateDocs(render, environments));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}
