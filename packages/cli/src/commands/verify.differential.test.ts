import { describe, expect, it } from 'vitest';
import { verifyDisagreements } from '../test-support/verify-differential.js';

// verify cuts "any port" and "any address" into intervals and judges one probe per interval;
// brute force judges every pair on every port any object names (with its neighbours) and on
// addresses around every CIDR edge. verify.differential.mutant.test.ts shows this can fail.
describe('verify against brute force', () => {
  it('gives the brute-force status for every assertion of 60 scenarios with NetworkPolicies, AdminNetworkPolicies and BaselineAdminNetworkPolicies', () => {
    expect(verifyDisagreements(0, 60)).toEqual([]);
  }, 300_000);
});
