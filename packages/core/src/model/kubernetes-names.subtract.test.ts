import { describe, expect, it } from 'vitest';
import { formatCidr, parseCidr, subtractCidrs } from './kubernetes-names.js';

const subtract = (outer: string, except: string[]) =>
  subtractCidrs(parseCidr(outer)!, except.map((text) => parseCidr(text)!)).map(formatCidr);

describe('subtractCidrs', () => {
  it('returns the block itself when nothing is carved out', () => {
    expect(subtract('10.0.0.0/8', [])).toEqual(['10.0.0.0/8']);
  });

  it('covers exactly the rest of the block, in address order', () => {
    expect(subtract('10.0.0.0/24', ['10.0.0.128/25'])).toEqual(['10.0.0.0/25']);
    expect(subtract('10.0.0.0/22', ['10.0.1.0/24'])).toEqual(['10.0.0.0/24', '10.0.2.0/23']);
  });

  it('removes the whole block when an exception covers it', () => {
    expect(subtract('10.0.1.0/24', ['10.0.0.0/16'])).toEqual([]);
  });

  it('ignores exceptions of the other family and handles IPv6', () => {
    expect(subtract('fd00::/126', ['10.0.0.0/8', 'fd00::1/128'])).toEqual(['fd00::/128', 'fd00::2/127']);
  });
});
