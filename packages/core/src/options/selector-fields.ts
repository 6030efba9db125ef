/** Label maps and pod selectors for the options schema, each with the JSON Schema Helm checks. */
import { z } from 'zod';
import { checkLabelKey } from '../model/kubernetes-names.js';
import { labelKey, labelValue } from './option-fields.js';
import { strictObject } from './strict-object.js';

// Keys are checked here rather than by the record's key schema: that would become a JSON Schema
// `propertyNames`, which Helm reports as a bare "invalid propertyName"; the chart's guardrails
// template gives this message instead.
export const labelMap = z
  .record(z.string(), labelValue)
  .superRefine((labels, ctx) => {
    for (const key of Object.keys(labels)) {
      const problem = checkLabelKey(key);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
    }
  })
  .meta({ description: 'Labels, as key: value pairs.' });

export const labelSelectorRequirement = strictObject({
  key: labelKey.meta({ description: 'Label key the requirement tests.' }),
  operator: z
    .enum(['In', 'NotIn', 'Exists', 'DoesNotExist'], {
      error: 'operator must be one of "In", "NotIn", "Exists", "DoesNotExist"',
    })
    .meta({ description: 'In, NotIn, Exists or DoesNotExist.' }),
  values: z
    .array(labelValue)
    .optional()
    .meta({ description: 'Label values: required and non-empty for In and NotIn, absent for Exists and DoesNotExist.' }),
}).superRefine((requirement, ctx) => {
  const needsValues = requirement.operator === 'In' || requirement.operator === 'NotIn';
  const count = requirement.values?.length ?? 0;
  if (needsValues && count === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['values'],
      message: `operator "${requirement.operator}" needs a non-empty values list. Fix: add values, or use "Exists"`,
    });
  }
  if (!needsValues && requirement.values !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['values'],
      message: `operator "${requirement.operator}" takes no values. Fix: remove values`,
    });
  }
}).meta({
  // The superRefine above, for Helm.
  allOf: [
    {
      if: { properties: { operator: { enum: ['In', 'NotIn'] } } },
      then: { required: ['values'], properties: { values: { minItems: 1 } } },
    },
    { if: { properties: { operator: { enum: ['Exists', 'DoesNotExist'] } } }, then: { not: { required: ['values'] } } },
  ],
});

/**
 * A pod selector that must name at least one label: in a peer it is ANDed with a namespace,
 * and an empty one would widen "the Prometheus pods" to "every pod of the namespace".
 */
export const podSelector = strictObject({
  matchLabels: labelMap.optional(),
  matchExpressions: z
    .array(labelSelectorRequirement)
    .optional()
    .meta({ description: 'Set-based requirements, all of which must hold.' }),
})
  .superRefine((selector, ctx) => {
    const size = Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0);
    if (size === 0) {
      ctx.addIssue({
        code: 'custom',
        message:
          'the pod selector is empty, so it would match every pod of the namespace. ' +
          'Fix: set matchLabels (e.g. {"app.kubernetes.io/name": "prometheus"}) or matchExpressions',
      });
    }
  })
  .meta({
    description: 'Pod label selector (matchLabels and/or matchExpressions); must not be empty.',
    // The superRefine above, for Helm: at least one label or expression.
    anyOf: [
      { required: ['matchLabels'], properties: { matchLabels: { minProperties: 1 } } },
      { required: ['matchExpressions'], properties: { matchExpressions: { minItems: 1 } } },
    ],
  });
