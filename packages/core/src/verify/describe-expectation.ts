/** Reachability assertions in words, for reports: `no connection from pods of dev to pods of production, on any port`. */
import type { EndpointSelectorSpec, ExpectationSpec, LabelSelectorSpec } from './expectations-document.js';

function labelSelectorText(selector: LabelSelectorSpec): string {
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`),
    ...(selector.matchExpressions ?? []).map((expression) =>
      expression.values && expression.values.length > 0 ? `${expression.key} ${expression.operator} (${expression.values.join(', ')})` : `${expression.key} ${expression.operator}`,
    ),
  ];
  return parts.join(', ');
}

/** `pods app=web of production`, `pods of every namespace except pods of production`, `addresses in 0.0.0.0/0`. */
export function describeSelector(selector: EndpointSelectorSpec): string {
  if (selector.ipBlock) {
    const except = selector.ipBlock.except ?? [];
    return `outside addresses in ${selector.ipBlock.cidr}${except.length > 0 ? ` except ${except.join(', ')}` : ''}`;
  }
  const pods = selector.podSelector && labelSelectorText(selector.podSelector) !== '' ? `pods ${labelSelectorText(selector.podSelector)}` : 'pods';
  const namespaceText =
    selector.namespace !== undefined
      ? selector.namespace
      : labelSelectorText(selector.namespaceSelector ?? {}) === ''
        ? 'every namespace'
        : `namespaces ${labelSelectorText(selector.namespaceSelector!)}`;
  const except = selector.except ?? [];
  return `${pods} of ${namespaceText}${except.length > 0 ? ` except ${except.map(describeSelector).join(' and ')}` : ''}`;
}

/** The assertion as one sentence. */
export function describeExpectation(spec: ExpectationSpec): string {
  const from = describeSelector(spec.from);
  const to = describeSelector(spec.to);
  const ports = spec.ports === undefined ? 'on any port' : `on ${spec.ports.join(', ')}`;
  switch (spec.expect) {
    case 'denied':
      return `no connection from ${from} to ${to}, ${ports}`;
    case 'allowed':
      return `every connection from ${from} to ${to} is allowed, ${ports}`;
    case 'allowedOnly':
      return `${from} reach ${to} ${ports} only: allowed there, denied on every other port`;
  }
}
