/**
 * Helm and the core refuse the same FQDN allow-lists with the same words: every refusal in the
 * hand-written helm-unittest suite charts/k8s-security/tests/cilium_test.yaml is run through the
 * core's resolveFqdnEgress, and its errorPattern must be one core issue behind "cilium."
 * (the chart's values path), regex-escaped. The suite itself (tools/test-chart.sh) proves Helm
 * prints that line. The one chart-only refusal (an allow-list while cilium.enabled is false)
 * has no core counterpart: the core API has no such switch.
 */
import { CiliumOptionsError, resolveFqdnEgress } from '@k8s-security-pro/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './test-support/tools.js';

interface UnittestCase {
  readonly it: string;
  readonly set?: Record<string, unknown>;
  readonly asserts: readonly { readonly failedTemplate?: { readonly errorPattern: string }; readonly notFailedTemplate?: object }[];
}

const suite = parse(readFileSync(join(REPO_ROOT, 'charts/k8s-security/tests/cilium_test.yaml'), 'utf8')) as { tests: UnittestCase[] };
const CHART_ONLY = 'while cilium is off';
const escapeRegExp = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** The core's issues for a case's `--set` values; [] when it accepts them. */
function coreIssues(set: Record<string, unknown> = {}): readonly string[] {
  const fqdnEgress = Object.fromEntries(
    Object.entries(set)
      .filter(([key]) => key.startsWith('cilium.fqdnEgress.'))
      .map(([key, value]) => [key.slice('cilium.fqdnEgress.'.length), value]),
  );
  try {
    resolveFqdnEgress({ fqdnEgress }, set['denyEgressExceptDns.enabled'] !== false);
    return [];
  } catch (error) {
    if (error instanceof CiliumOptionsError) return error.issues;
    throw error;
  }
}

const refusals = suite.tests.filter((test) => test.it.startsWith('refuses ') && !test.it.includes(CHART_ONLY));
const acceptances = suite.tests.filter((test) => test.asserts.some((assert) => assert.notFailedTemplate));

describe('the chart Cilium suite and the core', () => {
  it('holds a refusal for every guardrail of the allow-list, and an opt-in that accepts', () => {
    expect(refusals.length).toBeGreaterThanOrEqual(7);
    expect(acceptances.length).toBeGreaterThanOrEqual(1);
  });

  it.each(refusals.map((test) => [test.it, test] as const))('%s: the core gives the very line Helm must print', (_name, test) => {
    const pattern = test.asserts.find((assert) => assert.failedTemplate)!.failedTemplate!.errorPattern;
    expect(coreIssues(test.set).map((issue) => escapeRegExp(`cilium.${issue}`))).toContain(pattern);
  });

  it.each(acceptances.map((test) => [test.it, test] as const))('%s: the core accepts it too', (_name, test) => {
    expect(coreIssues(test.set)).toEqual([]);
  });
});
