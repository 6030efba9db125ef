import { describe, expect, it } from 'vitest';
import { CiliumOptionsError, resolveFqdnEgress, type FqdnEgressOptions } from './fqdn-egress.js';

function problems(fqdnEgress: FqdnEgressOptions, egressIsolated = true): string[] {
  try {
    resolveFqdnEgress({ fqdnEgress }, egressIsolated);
  } catch (error) {
    expect(error).toBeInstanceOf(CiliumOptionsError);
    return [...(error as CiliumOptionsError).issues];
  }
  return [];
}

describe('resolveFqdnEgress', () => {
  it('is undefined without an allow-list', () => {
    expect(resolveFqdnEgress(undefined, true)).toBeUndefined();
    expect(resolveFqdnEgress({}, true)).toBeUndefined();
  });

  it('lower-cases, sorts and de-duplicates names and patterns, and defaults the port to 443/TCP', () => {
    expect(resolveFqdnEgress({ fqdnEgress: { names: ['b.example.com', 'A.example.com', 'b.example.com'], patterns: ['*.example.org'] } }, true)).toEqual({
      names: ['a.example.com', 'b.example.com'],
      patterns: ['*.example.org'],
      ports: [{ port: 443, protocol: 'TCP' }],
    });
  });

  it.each([['*'], ['**'], ['*.*'], ['*.com'], ['example.*'], ['api.*.com'], ['foo*']])('refuses the broad pattern %s unless allowBroadPatterns is set', (pattern) => {
    expect(problems({ patterns: [pattern] })).toEqual([expect.stringMatching(/^fqdnEgress\.patterns\[0\]: .*Fix: .*allowBroadPatterns: true/)]);
    expect(problems({ patterns: [pattern], allowBroadPatterns: true })).toEqual([]);
  });

  it.each([['*.example.com'], ['api-*.example.com'], ['*.eu.example.com']])('accepts the pattern %s, which stays inside one domain', (pattern) => {
    expect(problems({ patterns: [pattern] })).toEqual([]);
  });

  it('names each bad field and the fix', () => {
    expect(problems({ names: ['*.example.com', 'has space.com'], patterns: ['bad pattern!'], ports: [{ port: 70000 }, { port: 53, protocol: 'SCTP' as 'TCP' }] })).toEqual([
      'fqdnEgress.names[0]: "*.example.com" has a "*". Fix: move it to fqdnEgress.patterns',
      expect.stringMatching(/^fqdnEgress\.names\[1\]: "has space\.com" is not a DNS name\. Fix: /),
      expect.stringMatching(/^fqdnEgress\.patterns\[0\]: "bad pattern!" is not a DNS name pattern\. Fix: /),
      'fqdnEgress.ports[0].port: 70000 is not a port. Fix: use a whole number from 1 to 65535',
      'fqdnEgress.ports[1].protocol: "SCTP" is not allowed. Fix: use "TCP" or "UDP"',
    ]);
  });

  it('refuses unknown keys, an empty list and an allow-list while egress is open', () => {
    expect(problems({ names: ['a.example.com'], nams: ['x'] } as FqdnEgressOptions)).toEqual([expect.stringMatching(/^fqdnEgress\.nams: unknown key/)]);
    expect(problems({})).toEqual([expect.stringMatching(/^fqdnEgress: lists no names and no patterns/)]);
    expect(problems({ names: ['a.example.com'] }, false)).toEqual([expect.stringMatching(/^fqdnEgress: layer 5 \(denyEgressExceptDns\) is off/)]);
  });
});
