/**
 * The host's own packet-filter state, to prove a dataplane run changed nothing outside its
 * namespaces: iptables (both backends' view through iptables-save), nftables and ipset.
 */
import { run } from '../process.js';

/** Normalised so that two snapshots of an unchanged host are equal: no timestamps, no counters. */
function normalise(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\[\d+:\d+\]/g, '[-]').replace(/ packets \d+ bytes \d+/g, ''))
    .join('\n');
}

/** A snapshot of the host's iptables, nft and ipset state, read in the host network namespace. */
export async function hostRuleset(): Promise<string> {
  const parts: string[] = [];
  for (const [file, args] of [
    ['iptables-save', []],
    ['ip6tables-save', []],
    ['nft', ['list', 'ruleset']],
    ['ipset', ['list', '-name']],
  ] as const) {
    const result = await run(file, args, { timeoutMs: 30_000 });
    parts.push(`== ${file} (exit ${result.code})\n${normalise(result.stdout)}`);
  }
  return parts.join('\n');
}
