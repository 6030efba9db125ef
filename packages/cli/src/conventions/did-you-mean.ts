/**
 * "Did you mean": the known word closest to a mistyped command or flag, or none when nothing
 * is close enough to be a plausible typo.
 */

/** Other tools' names for a flag, and the flag this CLI uses for the same thing. */
const FLAG_SYNONYMS: Readonly<Record<string, string>> = { '--format': '--output' };

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring
 * characters as one edit each (optimal string alignment), so `--form` is one edit from `--from`.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(distance[i - 1]![j]! + 1, distance[i]![j - 1]! + 1, distance[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, distance[i - 2]![j - 2]! + 1);
      distance[i]![j] = best;
    }
  }
  return distance[a.length]![b.length]!;
}

/**
 * The candidate `input` most plausibly meant: the nearest one within a third of its length
 * (at least one edit), else the only candidate it abbreviates (3 letters or more).
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const word = (text: string) => text.replace(/^-+/, '').toLowerCase();
  const typed = word(input);
  if (typed === '') return undefined;
  const allowed = Math.max(1, Math.floor(typed.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed, word(candidate));
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  if (best) return best.candidate;
  const abbreviated = typed.length >= 3 ? candidates.filter((candidate) => word(candidate).startsWith(typed)) : [];
  return abbreviated.length === 1 ? abbreviated[0] : undefined;
}

/** The flag meant by an unknown `flag`, among `knownFlags` and their common synonyms. */
export function suggestFlag(flag: string, knownFlags: readonly string[]): string | undefined {
  const synonyms = Object.entries(FLAG_SYNONYMS).filter(([, meant]) => knownFlags.includes(meant));
  const exact = synonyms.find(([synonym]) => synonym === flag);
  if (exact) return exact[1];
  const match = closestMatch(flag, [...knownFlags, ...synonyms.map(([synonym]) => synonym)]);
  return match === undefined ? undefined : (FLAG_SYNONYMS[match] ?? match);
}

/** The long flags a usage text documents (`--output`, `--fail-on`, ...), plus `--help`. */
export function flagsInUsage(usage: string): string[] {
  return [...new Set([...usage.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((match) => match[0]).concat('--help'))];
}
