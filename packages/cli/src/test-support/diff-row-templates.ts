import type { DiffRowTemplate } from '../output/diff-row-text.js';

/** A change that opens two ports of shop/db to monitoring, as the diff output tests write it. */
export const OPENED_ROWS: DiffRowTemplate = {
  change: 'opened',
  ports: ['5432/TCP', '9187/TCP'],
  cause: 'allowed in NEW by shop/metrics ingress rule 0',
  rules: [{ policy: 'shop/metrics', direction: 'Ingress', rule: 0 }],
  isolatedBy: [],
  formerlyIsolatedBy: ['shop/deny-all'],
  location: { file: 'new/changes.yaml', line: 9 },
};
