import { describe, expect, it, vi } from 'vitest';
import { verifyDisagreements } from '../test-support/verify-differential.js';

// The mutant: verify's port edges ignore the Admin and Baseline tiers (the bug this
// differential was written for). The differential must catch it.
/** The part of core's probe-points module the mutant changes. */
interface ProbePoints {
  policyPortEdges(prepared: { readonly clusterPolicies: readonly unknown[] }): unknown;
}

vi.mock('../../../core/dist/verify/probe-points.js', async (importOriginal) => {
  const original = await importOriginal<ProbePoints>();
  return { ...original, policyPortEdges: (prepared: { readonly clusterPolicies: readonly unknown[] }) => original.policyPortEdges({ ...prepared, clusterPolicies: [] }) };
});

describe('the verify differential', () => {
  it('finds a counter-example when verify ignores the port edges of admin and baseline rules', () => {
    const found = verifyDisagreements(0, 40);
    expect(found.length).toBeGreaterThan(0);
    // Every miss is a "pass" brute force refutes, or the reverse: the mutant never invents a vacuous result.
    expect(found.every((miss) => miss.verify !== 'vacuous' && miss.bruteForce !== 'vacuous')).toBe(true);
  }, 300_000);
});
