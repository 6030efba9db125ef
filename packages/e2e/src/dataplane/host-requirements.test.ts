import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sctpNotProbedReason } from './host-requirements.js';

const dir = mkdtempSync(join(tmpdir(), 'k8s-security-protocols-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function protocolsFile(lines: string[]): string {
  const file = join(dir, `protocols-${lines.length}`);
  writeFileSync(file, ['protocol  size sockets  memory press maxhdr  slab module', ...lines].join('\n'));
  return file;
}

describe('why SCTP is not probed', () => {
  it('blames the kernel when it has not registered SCTP', () => {
    expect(sctpNotProbedReason(protocolsFile(['UDP        1024      2       2   NI       0   yes  kernel', 'TCP        2368      4       3   no     320   yes  kernel']))).toMatch(/^the kernel has no SCTP sockets/);
  });

  it('blames Node.js when the kernel has SCTP', () => {
    expect(sctpNotProbedReason(protocolsFile(['SCTP       1312      0       0   no     320   yes  sctp', 'TCP        2368      4       3   no     320   yes  kernel', 'x']))).toBe('the kernel has SCTP sockets, but the agents (Node.js) have none');
  });

  it('says when it cannot tell', () => {
    expect(sctpNotProbedReason(join(dir, 'missing'))).toMatch(/cannot be read/);
  });
});
