/**
 * mulberry32, a small seeded PRNG: the same sequence for a seed on every machine, so random
 * tests, scenarios and benchmark clusters are reproducible. Not for anything secret.
 */

/**
 * A generator of floats in [0, 1), seeded with `seed` (taken as an unsigned 32-bit integer).
 * The one seeded PRNG of the repository: core's tests, the CLI's scenario generators, the
 * dataplane's random scenarios and the benchmarks all draw from it.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
