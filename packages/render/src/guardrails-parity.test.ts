/**
 * Helm and the core refuse the same values with the same words: every case of the hand-written
 * helm-unittest suite charts/k8s-security/tests/guardrails_test.yaml is run through the core's
 * options validation here, and its errorPattern must be exactly one core issue, "path: message",
 * regex-escaped. The suite itself (tools/test-chart.sh) proves Helm prints that line.
 */
import { parseIp, validateNamespaceIsolationOptions, type OptionsIssue } from '@k8s-security-pro/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { IPV6_ADDRESS_PATTERN } from './chart/guardrail-data.js';
import { REPO_ROOT } from './test-support/tools.js';

interface UnittestCase {
  readonly it: string;
  readonly set?: Record<string, unknown>;
  readonly asserts: readonly { readonly failedTemplate?: { readonly errorPattern: string }; readonly notFailedTemplate?: object }[];
}

const suite = parse(readFileSync(join(REPO_ROOT, 'charts/k8s-security/tests/guardrails_test.yaml'), 'utf8')) as { tests: UnittestCase[] };

/** Helm's `--set a.b: v` as options: nested maps, with `null` deleting the key as Helm's merge does. */
function optionsFromSet(set: Record<string, unknown> = {}): Record<string, unknown> {
  const withoutNulls = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).filter(([, child]) => child !== null).map(([key, child]) => [key, withoutNulls(child)]));
  };
  const options: Record<string, unknown> = {};
  for (const [dotted, value] of Object.entries(set)) {
    const keys = dotted.split('.');
    let at = options;
    for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] = withoutNulls(value);
  }
  return options;
}

const escapeRegExp = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
const issuesOf = (options: unknown): readonly OptionsIssue[] => {
  const result = validateNamespaceIsolationOptions(options);
  return result.ok ? [] : result.issues;
};

const refusals = suite.tests.filter((test) => test.it.startsWith('refuses '));
const acceptances = suite.tests.filter((test) => test.asserts.some((assert) => assert.notFailedTemplate));

describe('the chart guardrails suite and the core', () => {
  it('holds every refusal the guardrails issue lists, and opt-ins that accept', () => {
    expect(refusals.length).toBeGreaterThanOrEqual(30);
    expect(acceptances.length).toBeGreaterThanOrEqual(5);
  });

  it.each(refusals.map((test) => [test.it, test] as const))('%s: the core gives the very line Helm must print', (_name, test) => {
    const pattern = test.asserts.find((assert) => assert.failedTemplate)!.failedTemplate!.errorPattern;
    const lines = issuesOf(optionsFromSet(test.set)).map((issue) => escapeRegExp(`${issue.path}: ${issue.message}`));
    expect(lines).toContain(pattern);
  });

  it.each(acceptances.map((test) => [test.it, test] as const))('%s: the core accepts it too', (_name, test) => {
    expect(issuesOf(optionsFromSet(test.set))).toEqual([]);
  });
});

describe('the IPv6 pattern Helm checks addresses with', () => {
  const samples = ['::', '::1', 'fd00::', 'fd00::10', '2001:db8::1:2', '1:2:3:4:5:6:7:8', '1::8', 'fe80::1:2:3:4:5:6', ':', ':::', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '12345::', '1:2:3:4:5:6:7', ':1:2:3:4:5:6:7'];

  it.each(samples)('agrees with the core parser on "%s"', (address) => {
    expect(new RegExp(IPV6_ADDRESS_PATTERN).test(address)).toBe(parseIp(address)?.family === 6);
  });
});
