/** @k8s-security-pro/render: renders the core model into the chart, Kustomize, manifests and docs. */
export { banner, JSON_BANNER, REGENERATE_COMMAND, type CommentSyntax } from './banner.js';
export { createTemplateRenderer, type RenderTemplate, type TemplateSources } from './handlebars-env.js';
export { loadTemplateSources, TEMPLATES_DIR } from './templates-folder.js';
export { CHART_DIR, CHART_VERSION, renderChart } from './chart/render-chart.js';
export { chartDefaultValues, chartTestsSchema, chartValuesJsonSchema } from './chart/chart-values.js';
export { chartParameters, type ChartParameter } from './chart/parameters.js';
export { renderDefaultValues, renderEnvironmentValues } from './chart/values-files.js';
export { KUSTOMIZE_DIR, renderKustomizeBase, renderKustomizeOverlay } from './kustomize/render-kustomize.js';
export { jsonPatchDiff, deepEqual, type JsonPatchOperation } from './kustomize/json-patch.js';
export { MANIFESTS_DIR, manifestFileNames, renderManifests } from './manifests/render-manifests.js';
export { DOCS_DIR, renderTemplateDocs } from './docs/render-docs.js';
export { GENERATED_ROOTS, HAND_WRITTEN, renderProject } from './generate.js';
export { THREAT_MODEL_DIR, renderThreatModel, threatModelFileName } from './threat-model/render-threat-model.js';
