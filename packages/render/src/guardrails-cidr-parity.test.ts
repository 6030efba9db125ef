/**
 * The chart's CIDR arithmetic (templates/_cidr.tpl: addresses as bit strings, since Go templates
 * have no IP parser and no 128-bit integers) against the core's parser: random IPv4 and IPv6
 * CIDRs, with host bits, compressed and embedded-IPv4 forms, malformed ones, `except` lists and
 * cluster ranges, go through one `helm template`; Helm must print exactly the lines the core's
 * options validation gives, no more and no fewer.
 */
import { formatCidr, validateNamespaceIsolationOptions } from '@k8s-security-pro/core';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runTool } from './test-support/tools.js';

/** An address in the core's canonical text. */
const formatIp = (family: 4 | 6, value: bigint) => formatCidr({ family, network: value, prefixLength: 0 }).replace(/\/0$/, '');
const ipv4 = fc.tuple(fc.constantFrom(10, 172, 192, 0), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) => octets.join('.'));
/** IPv6 text: the core's canonical form, all eight groups, or an embedded IPv4 tail. */
const ipv6 = fc
  .tuple(fc.constantFrom(0xfd00, 0x2001, 0), fc.array(fc.constantFrom(0, 0, 1, 2, 0xa, 0xffff, 0x1234), { minLength: 7, maxLength: 7 }), fc.nat(2))
  .map(([first, rest, form]) => {
    const groups = [first, ...rest];
    const value = groups.reduce((acc, group) => (acc << 16n) | BigInt(group), 0n);
    if (form === 0) return formatIp(6, value);
    if (form === 1) return groups.map((group) => group.toString(16)).join(':');
    return `${groups.slice(0, 6).map((group) => group.toString(16)).join(':')}:${formatIp(4, value & 0xffffffffn)}`;
  });
/** Malformed IPv6 that values.schema.json lets through (its pattern is loose), so the template must refuse it. */
const malformed = fc.constantFrom(':/0', '1:2:3:4:5:6:7:8:9/64', '1::2::3/64', '12345::/64', '::ffff:10.0.0.256/128', '1:2:3:4:5:6:7/64', '1.2.3.4::/64');
const cidrText = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(ipv4, fc.integer({ min: 8, max: 32 })).map(([ip, prefix]) => `${ip}/${prefix}`) },
  { weight: 4, arbitrary: fc.tuple(ipv6, fc.integer({ min: 16, max: 128 })).map(([ip, prefix]) => `${ip}/${prefix}`) },
  { weight: 1, arbitrary: malformed },
);
/** A rule: a CIDR with its except list, which often shares its start so that some are inside. */
const rule = fc.tuple(cidrText, fc.array(fc.tuple(fc.boolean(), cidrText, fc.integer({ min: 1, max: 24 })), { maxLength: 3 })).map(([cidr, excepts]) => ({
  cidr,
  except: excepts.map(([inside, other, longer]) => {
    const [address = '', prefix = '0'] = cidr.split('/');
    return inside ? `${address}/${Math.min(Number(prefix) + longer, address.includes(':') ? 128 : 32)}` : other;
  }),
  opensBroadNetwork: true,
  ports: [{ port: 443 }],
}));

function helmLines(values: object): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cidr-parity-'));
  try {
    writeFileSync(join(dir, 'values.yaml'), stringify(values));
    try {
      runTool('helm', ['template', 'k8s-security', 'charts/k8s-security', '-n', 'payments', '-f', join(dir, 'values.yaml')]);
      return [];
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr);
      return stderr.split('\n').filter((line) => line.startsWith('  - ')).map((line) => line.slice(4));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function coreLines(values: object): string[] {
  const result = validateNamespaceIsolationOptions(values);
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('the chart CIDR guardrails and the core', () => {
  it('print the same lines for 300 random CIDR rules, except lists and cluster ranges in one helm run', () => {
    const [rules, clusterCidrs] = fc.sample(fc.tuple(fc.array(rule, { minLength: 300, maxLength: 300 }), fc.array(cidrText, { maxLength: 4 })), { numRuns: 1, seed: 10 })[0]!;
    // Valid cluster ranges only: a malformed one is a separate refusal that would hide the rest.
    const values = { clusterCidrs: clusterCidrs.filter((text) => coreLines({ clusterCidrs: [text] }).length === 0).concat(['10.0.0.0/8', 'fd00::/56']), denyEgressExceptDns: { allowedEgress: rules } };
    const core = coreLines(values).sort();
    expect(core.length, 'the sample holds refusals of every kind').toBeGreaterThan(100);
    for (const kind of ['has host bits set', 'is not a valid CIDR', 'is not inside', 'overlaps the cluster range']) {
      expect(core.some((line) => line.includes(kind)), kind).toBe(true);
    }
    expect(helmLines(values).sort()).toEqual(core);
  });

  it('refuses an IPv6 CIDR with host bits with the sentence and canonical network of the core', () => {
    const values = { denyEgressExceptDns: { allowedEgress: [{ cidr: 'fd00:0:0:1::5/64', ports: [{ port: 443 }] }] } };
    expect(helmLines(values)).toEqual(coreLines(values));
    expect(coreLines(values)).toEqual([
      'denyEgressExceptDns.allowedEgress[0].cidr: "fd00:0:0:1::5/64" has host bits set: did you mean the network "fd00:0:0:1::/64", or the single address "fd00:0:0:1::5/128"?',
    ]);
  });
});
