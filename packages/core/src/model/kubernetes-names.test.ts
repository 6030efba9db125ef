import { describe, expect, it } from 'vitest';
import {
  checkCidr,
  checkLabelKey,
  checkLabelValue,
  checkNamespaceName,
  checkPortName,
  cidrContains,
  formatCidr,
  formatIp,
  isStrictSubnet,
  parseCidr,
  parseIp,
  suggestDns1123Label,
} from './kubernetes-names.js';

/** Parses a CIDR the test knows is valid. */
function cidr(text: string) {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test fixture ${text} did not parse`);
  return parsed;
}

function ip(text: string) {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`test fixture ${text} did not parse`);
  return parsed;
}

describe('parseIp', () => {
  it('reads a dotted IPv4 address as a 32-bit number', () => {
    expect(parseIp('10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseIp('255.255.255.255')).toEqual({ family: 4, value: 0xffffffffn });
    expect(parseIp('0.0.0.0')).toEqual({ family: 4, value: 0n });
  });

  it('rejects IPv4 addresses with an octet above 255, too few octets or leading zeros', () => {
    expect(parseIp('10.0.0.256')).toBeUndefined();
    expect(parseIp('10.0.0')).toBeUndefined();
    expect(parseIp('10.0.0.1.2')).toBeUndefined();
    // Leading zeros are ambiguous (octal in some parsers) and Go's net package rejects them.
    expect(parseIp('010.0.0.1')).toBeUndefined();
  });

  it('reads a full IPv6 address as a 128-bit number', () => {
    expect(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001')).toEqual({
      family: 6,
      value: 0x20010db8000000000000000000000001n,
    });
  });

  it('expands every :: form to the missing zero groups', () => {
    expect(parseIp('::')).toEqual({ family: 6, value: 0n });
    expect(parseIp('::1')).toEqual({ family: 6, value: 1n });
    expect(parseIp('fe80::')).toEqual({ family: 6, value: 0xfe80n << 112n });
    expect(parseIp('2001:db8::1')).toEqual(parseIp('2001:db8:0:0:0:0:0:1'));
    expect(parseIp('1:2:3:4:5:6:7::')).toEqual(parseIp('1:2:3:4:5:6:7:0'));
    expect(parseIp('::2:3:4:5:6:7:8')).toEqual(parseIp('0:2:3:4:5:6:7:8'));
  });

  it('reads an embedded IPv4 tail as the last two groups', () => {
    expect(parseIp('::ffff:10.0.0.1')).toEqual({ family: 6, value: (0xffffn << 32n) | 0x0a000001n });
    expect(parseIp('64:ff9b::192.0.2.33')).toEqual(parseIp('64:ff9b::c000:221'));
    expect(parseIp('::ffff:10.0.0.256')).toBeUndefined();
    expect(parseIp('10.0.0.1::')).toBeUndefined();
  });

  it('rejects malformed IPv6 addresses', () => {
    expect(parseIp('1::2::3')).toBeUndefined();
    expect(parseIp(':::')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7:8::')).toBeUndefined();
    expect(parseIp('12345::')).toBeUndefined();
    expect(parseIp('g::1')).toBeUndefined();
    expect(parseIp('')).toBeUndefined();
  });
});

describe('formatIp', () => {
  it('writes IPv4 as four decimal octets', () => {
    expect(formatIp(4, 0xc0a80001n)).toBe('192.168.0.1');
  });

  it('compresses the longest run of zero groups, the first on a tie (RFC 5952)', () => {
    expect(formatIp(6, 0n)).toBe('::');
    expect(formatIp(6, 1n)).toBe('::1');
    expect(formatIp(6, ip('2001:db8:0:0:1:0:0:1').value)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(6, ip('1:0:0:2:0:0:0:3').value)).toBe('1:0:0:2::3');
    expect(formatIp(6, ip('fe80:0:0:0:0:0:0:0').value)).toBe('fe80::');
  });

  it('does not compress a single zero group and writes hex in lower case', () => {
    expect(formatIp(6, ip('2001:DB8:0:1:1:1:1:1').value)).toBe('2001:db8:0:1:1:1:1:1');
  });
});

describe('parseCidr', () => {
  it('parses IPv4 and IPv6 networks with their prefix length', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ family: 4, network: 0x0a000000n, prefixLength: 8 });
    expect(parseCidr('2001:db8::/32')).toEqual({ family: 6, network: 0x20010db8n << 96n, prefixLength: 32 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, network: 0n, prefixLength: 0 });
    expect(parseCidr('::/0')).toEqual({ family: 6, network: 0n, prefixLength: 0 });
  });

  it('masks host bits off, as Go net.ParseCIDR does', () => {
    expect(parseCidr('10.1.2.3/16')).toEqual({ family: 4, network: 0x0a010000n, prefixLength: 16 });
    expect(formatCidr(cidr('2001:db8::1/64'))).toBe('2001:db8::/64');
  });

  it('rejects a missing prefix, a prefix beyond the address size and garbage', () => {
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('::/129')).toBeUndefined();
    expect(parseCidr('10.0.0.0/')).toBeUndefined();
    expect(parseCidr('10.0.0.0/-1')).toBeUndefined();
    expect(parseCidr('10.0.0.0/8/8')).toBeUndefined();
    expect(parseCidr('garbage/8')).toBeUndefined();
  });
});

describe('formatCidr', () => {
  it('writes the canonical form of a network', () => {
    expect(formatCidr(cidr('192.168.1.0/24'))).toBe('192.168.1.0/24');
    expect(formatCidr(cidr('2001:0DB8:0000::/48'))).toBe('2001:db8::/48');
    expect(formatCidr(cidr('::ffff:10.0.0.0/120'))).toBe('::ffff:a00:0/120');
  });
});

describe('cidrContains', () => {
  it('is true for addresses inside the network, including its first and last', () => {
    const net = cidr('10.0.0.0/24');
    expect(cidrContains(net, ip('10.0.0.0'))).toBe(true);
    expect(cidrContains(net, ip('10.0.0.255'))).toBe(true);
    expect(cidrContains(net, ip('10.0.1.0'))).toBe(false);
    expect(cidrContains(net, ip('9.255.255.255'))).toBe(false);
  });

  it('treats /0 as every address of its family only', () => {
    expect(cidrContains(cidr('0.0.0.0/0'), ip('203.0.113.9'))).toBe(true);
    expect(cidrContains(cidr('0.0.0.0/0'), ip('::1'))).toBe(false);
    expect(cidrContains(cidr('::/0'), ip('10.0.0.1'))).toBe(false);
  });

  it('matches IPv6 addresses by their prefix', () => {
    expect(cidrContains(cidr('2001:db8::/32'), ip('2001:db8:ffff::1'))).toBe(true);
    expect(cidrContains(cidr('2001:db8::/32'), ip('2001:db9::1'))).toBe(false);
  });
});

describe('isStrictSubnet', () => {
  it('accepts a smaller range inside the outer one', () => {
    expect(isStrictSubnet(cidr('10.0.0.0/8'), cidr('10.1.0.0/16'))).toBe(true);
    expect(isStrictSubnet(cidr('2001:db8::/32'), cidr('2001:db8:1::/48'))).toBe(true);
  });

  it('refuses the same range, a wider range, a disjoint range and the other family', () => {
    expect(isStrictSubnet(cidr('10.0.0.0/8'), cidr('10.0.0.0/8'))).toBe(false);
    expect(isStrictSubnet(cidr('10.0.0.0/16'), cidr('10.0.0.0/8'))).toBe(false);
    expect(isStrictSubnet(cidr('10.0.0.0/16'), cidr('10.1.0.0/24'))).toBe(false);
    expect(isStrictSubnet(cidr('0.0.0.0/0'), cidr('::/64'))).toBe(false);
  });
});

describe('checkCidr', () => {
  it('accepts networks written without host bits', () => {
    for (const text of ['10.0.0.0/8', '169.254.20.10/32', '0.0.0.0/0', '2001:db8::/32', '::1/128', '::/0']) {
      expect(checkCidr(text), text).toBeUndefined();
    }
  });

  it('suggests a /32 or /128 for a bare address', () => {
    expect(checkCidr('10.0.0.1')).toContain('did you mean "10.0.0.1/32"?');
    expect(checkCidr('fd00::1')).toContain('did you mean "fd00::1/128"?');
  });

  it('names the network, and the single address, when host bits are set', () => {
    const message = checkCidr('10.0.0.1/24');
    expect(message).toContain('host bits set');
    expect(message).toContain('"10.0.0.0/24"');
    expect(message).toContain('"10.0.0.1/32"');
    expect(checkCidr('2001:db8::1/64')).toContain('"2001:db8::/64"');
  });

  it('shows an example for anything that is not a CIDR', () => {
    for (const text of ['10.0.0.256/24', '10.0.0.0/33', 'garbage', '', '10.0.0.0/x']) {
      expect(checkCidr(text), text).toMatch(/is not a valid CIDR: .*e\.g\. "10\.0\.0\.0\/16"/);
    }
  });
});

describe('checkNamespaceName', () => {
  it('accepts RFC 1123 labels up to 63 characters', () => {
    for (const name of ['production', 'a', 'team-a-1', '0', 'x'.repeat(63)]) {
      expect(checkNamespaceName(name), name).toBeUndefined();
    }
  });

  it('rejects upper case, underscores, dots, edge dashes, empty and over-long names', () => {
    for (const name of ['Prod', 'a_b', 'a.b', '-a', 'a-', '', 'x'.repeat(64)]) {
      expect(checkNamespaceName(name), name).toContain('is not a valid namespace name');
    }
  });

  it('suggests a valid name built from the bad one', () => {
    expect(checkNamespaceName('My_Team')).toContain('e.g. "my-team"');
    expect(suggestDns1123Label('--')).toBe('my-namespace');
    expect(suggestDns1123Label('x'.repeat(70))).toHaveLength(63);
  });
});

describe('checkLabelKey', () => {
  it('accepts plain and prefixed keys', () => {
    for (const key of ['app', 'k8s-app', 'app.kubernetes.io/name', 'kubernetes.io/metadata.name', 'A_b.C']) {
      expect(checkLabelKey(key), key).toBeUndefined();
    }
  });

  it('rejects a bad prefix and says what a prefix must be', () => {
    expect(checkLabelKey('Example.COM/app')).toContain('invalid prefix "Example.COM"');
    expect(checkLabelKey('/app')).toContain('invalid prefix');
  });

  it('rejects a bad or over-long name part', () => {
    expect(checkLabelKey('-app')).toContain('name part');
    expect(checkLabelKey('app.kubernetes.io/')).toContain('name part');
    expect(checkLabelKey('a'.repeat(64))).toContain('name part');
    expect(checkLabelKey('has space')).toContain('name part');
  });
});

describe('checkLabelValue', () => {
  it('accepts empty and ordinary values', () => {
    for (const value of ['', 'prometheus', 'v1.2_3-rc', 'x'.repeat(63)]) {
      expect(checkLabelValue(value), value).toBeUndefined();
    }
  });

  it('rejects spaces, slashes, edge punctuation and values over 63 characters', () => {
    for (const value of ['a b', 'a/b', '-a', 'a.', 'x'.repeat(64)]) {
      expect(checkLabelValue(value), value).toContain('is invalid');
    }
  });
});

describe('checkPortName', () => {
  it('accepts IANA service names', () => {
    for (const name of ['metrics', 'http', 'https-alt', 'h2c', 'a'.repeat(15)]) {
      expect(checkPortName(name), name).toBeUndefined();
    }
  });

  it('rejects upper case, digits only, double or edge dashes and names over 15 characters', () => {
    for (const name of ['Metrics', '8080', 'web--api', '-web', 'web-', 'a'.repeat(16), '']) {
      expect(checkPortName(name), name).toContain('is not a valid port');
    }
  });
});
