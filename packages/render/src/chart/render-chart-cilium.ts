/** The chart's optional Cilium part: one CiliumNetworkPolicy template per layer, and the helpers they share. */
import { NAMESPACE_ISOLATION_LAYERS, namespaceIsolationPolicy, toYaml, type ResolvedNamespaceIsolationOptions } from '@k8s-security-pro/core';
import { banner } from '../banner.js';
import type { RenderTemplate } from '../handlebars-env.js';

const DESCRIPTION_ANNOTATION = 'k8s-security-pro.io/description';

/** Adds `templates/_cilium.tpl` and `templates/cilium-<layer>.yaml` through `add`. */
export function addCiliumTemplates(render: RenderTemplate, add: (path: string, content: string) => void, defaults: ResolvedNamespaceIsolationOptions): void {
  add('templates/_cilium.tpl', render('chart/templates/_cilium.tpl.hbs', { banner: banner('helm') }));
  for (const layer of NAMESPACE_ISOLATION_LAYERS) {
    // Metadata and description are the core's, taken from a policy it builds, as for the NetworkPolicies.
    const annotations = namespaceIsolationPolicy(layer, 'placeholder', defaults).metadata.annotations ?? {};
    add(
      `templates/cilium-${layer.policyName}.yaml`,
      render('chart/templates/cilium-network-policy.yaml.hbs', {
        banner: banner('helm'),
        layer,
        annotations: toYaml(annotations)
          .trimEnd()
          .split('\n')
          .map((line) => `    ${line}`)
          .join('\n'),
        description: JSON.stringify(annotations[DESCRIPTION_ANNOTATION] ?? layer.summary),
      }),
    );
  }
}
