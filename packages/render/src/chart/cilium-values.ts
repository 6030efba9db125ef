/**
 * The chart's `cilium` values: CiliumNetworkPolicy as an optional part of the chart, off by
 * default, with the core's FQDN egress allow-list. Names and patterns are plain strings here on
 * purpose: the chart's Cilium helpers check them with the core's own sentences
 * (`fqdnEgress.patterns[0]: ... Fix: ...`), which a schema error could not give.
 */
import type { CiliumOptions, NamespaceIsolationOptions } from '@k8s-security-pro/core';
import { z } from 'zod';

const fqdnPortSchema = z.strictObject({
  port: z.number().int().min(1).max(65535).meta({ description: 'Destination port.' }),
  protocol: z.enum(['TCP', 'UDP']).default('TCP').meta({ description: 'TCP or UDP.' }),
});

/** `cilium`: render the five layers as CiliumNetworkPolicy too, and the optional allow-list by DNS name. */
export const chartCiliumSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta({ description: 'Also render the layers as CiliumNetworkPolicy (cilium.io/v2), in addition to the NetworkPolicies. Needs the Cilium CRDs in the cluster.' }),
    fqdnEgress: z
      .strictObject({
        names: z.array(z.string()).default([]).meta({ description: 'Exact DNS names pods may reach (toFQDNs matchName), e.g. api.example.com. Needs layer 5 (denyEgressExceptDns).' }),
        patterns: z.array(z.string()).default([]).meta({ description: 'DNS name patterns with "*" (toFQDNs matchPattern), e.g. "*.example.com".' }),
        ports: z
          .array(fqdnPortSchema)
          .min(1)
          .default([{ port: 443, protocol: 'TCP' }])
          .meta({ description: 'Ports the names and patterns may be reached on.' }),
        allowBroadPatterns: z.boolean().default(false).meta({ description: 'Opt-in: accept "*" and patterns that cover a whole top-level domain ("*.com").' }),
      })
      .prefault({})
      .meta({ description: 'Egress allow-list by DNS name, added to layer 5 of the CiliumNetworkPolicies. Empty names and patterns: no allow-list.' }),
  })
  .prefault({})
  .meta({ description: 'CiliumNetworkPolicy, an optional part of the chart (off by default).' });

export type ChartCiliumValues = z.output<typeof chartCiliumSchema>;

/** The JSON Schema of `cilium`, for values.schema.json. */
export function chartCiliumJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(chartCiliumSchema, { io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

/** The chart's `cilium` defaults (off, no allow-list). */
export function chartCiliumDefaults(): ChartCiliumValues {
  return chartCiliumSchema.parse({});
}

/**
 * What the core's `ciliumNetworkPolicies` takes for chart values: empty names and patterns mean
 * no allow-list, as the chart renders none then.
 */
export function ciliumOptionsFromChartValues(values: { readonly cilium?: z.input<typeof chartCiliumSchema> } & NamespaceIsolationOptions): CiliumOptions {
  const { fqdnEgress } = chartCiliumSchema.parse(values.cilium ?? {});
  if (fqdnEgress.names.length + fqdnEgress.patterns.length === 0) return {};
  return { fqdnEgress };
}
