/**
 * Strict objects for the options schema: an unknown key is an error that names the keys that do
 * exist and, for a likely typo, the one that was meant.
 */
import { z } from 'zod';

/** A strict object: unknown keys are errors that list the keys that do exist. */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? unknownKeysMessage((issue as { keys: string[] }).keys, known)
        : undefined,
  });
}

export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const described = keys.map((key) => {
    const close = closestKey(key, known);
    return close ? `"${key}" (did you mean "${close}"?)` : `"${key}"`;
  });
  return `unknown key ${described.join(', ')}. Fix: remove it; the keys allowed here are ${known.map((k) => `"${k}"`).join(', ')}`;
}

/** The known key within edit distance 2 of `key`, if any: catches typos like `enable`. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function defaultedObject<Shape extends z.ZodRawShape>(shape: Shape, description: string) {
  // Every field below has a default, so an absent object resolves to a full one.
  return strictObject(shape)
    .prefault({} as never)
    .meta({ description });
}
