/**
 * The chart's values: the core's namespace-isolation options plus the chart-only keys (helm test
 * hooks, Helm's `global`). Both halves come from zod schemas, so the values schema, values.yaml
 * and the parameters table all derive from one source.
 */
import {
  namespaceIsolationOptionsJsonSchema,
  resolveNamespaceIsolationOptions,
  validateNamespaceIsolationOptions,
  formatFieldPath,
  type OptionsIssue,
} from '@k8s-security-pro/core';
import { z } from 'zod';
import { JSON_BANNER } from '../banner.js';

/** `helm test` hooks: pods that check isolation from inside the cluster. */
export const chartTestsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ description: 'Render the helm test pods (run them with `helm test`).' }),
    image: z
      .string()
      .min(1)
      .default('busybox:1.36')
      .meta({ description: 'Image of the test pods; it needs `sh`, `nslookup` and `wget` (busybox has all three).' }),
    dnsName: z
      .string()
      .min(1)
      .default('kubernetes.default.svc.cluster.local')
      .meta({ description: 'Name the DNS test resolves from inside each target namespace.' }),
    crossNamespaceUrl: z
      .string()
      .regex(/^https?:\/\/\S+$/)
      .default('http://kube-dns.kube-system.svc.cluster.local:9153/metrics')
      .meta({
        description:
          'URL in another namespace that must time out from inside each target namespace (default: CoreDNS metrics, which layer 5 does not allow).',
      }),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(60)
      .default(5)
      .meta({ description: 'Seconds the cross-namespace test waits before it calls the connection timed out.' }),
  })
  .meta({ description: 'In-cluster checks run by `helm test`.' });

/** Keys the chart adds to the core options. */
const CHART_ONLY_KEYS = ['tests', 'global'] as const;

/** The chart's `values.schema.json`: strict, with a banner in `$comment`. */
export function chartValuesJsonSchema(): Record<string, unknown> {
  const core = namespaceIsolationOptionsJsonSchema();
  const properties = core.properties as Record<string, unknown>;
  const tests = z.toJSONSchema(chartTestsSchema.prefault({}), { io: 'input' }) as Record<string, unknown>;
  delete tests.$schema;
  return {
    $schema: core.$schema,
    $comment: JSON_BANNER,
    title: 'k8s-security chart values',
    ...Object.fromEntries(Object.entries(core).filter(([key]) => key !== '$schema' && key !== 'title' && key !== 'properties')),
    properties: {
      ...properties,
      tests,
      global: { type: 'object', description: "Helm's values shared with parent charts; not used by this chart." },
    },
  };
}

/** The chart's full default values: every option at its default, plus the chart-only keys. */
export function chartDefaultValues(): Record<string, unknown> {
  return { ...resolveNamespaceIsolationOptions({}), tests: chartTestsSchema.parse({}) };
}

/**
 * Validates values as Helm would see them (already merged over the defaults), with the same
 * schemas: the core options, and the chart-only keys.
 */
export function validateChartValues(values: Record<string, unknown>): OptionsIssue[] {
  const options = Object.fromEntries(Object.entries(values).filter(([key]) => !(CHART_ONLY_KEYS as readonly string[]).includes(key)));
  const core = validateNamespaceIsolationOptions(options);
  const issues: OptionsIssue[] = core.ok ? [] : [...core.issues];
  const tests = chartTestsSchema.safeParse(values.tests ?? {});
  if (!tests.success) {
    issues.push(...tests.error.issues.map((issue) => ({ path: formatFieldPath(['tests', ...issue.path]), message: issue.message })));
  }
  return issues;
}

/**
 * Helm's values merge: maps merge key by key, anything else (lists, scalars) replaces, and a
 * `null` deletes the key. Used so what we validate is what `helm install -f` will render.
 */
export function mergeHelmValues(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else merged[key] = key in base ? mergeHelmValues(base[key], value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
