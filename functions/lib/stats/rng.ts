/** Seeded pseudo-random numbers (mulberry32) so every permutation p-value is reproducible. */

export interface Rng {
  /** Uniform in [0, 1). */
  random(): number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return {
    random(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng.random() * n);
}

/** In-place Fisher-Yates shuffle. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(rng: Rng, values: T): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

/**
 * Partial Fisher-Yates: after it, `values[0 .. k)` is a uniform draw of k of the values, in random
 * order (k swaps, not n). Permutation tests draw their "current" window this way.
 */
export function partialShuffle<T extends { length: number; [i: number]: number }>(
  rng: Rng,
  values: T,
  k: number,
): T {
  const n = values.length;
  for (let i = 0; i < k; i++) {
    const j = i + randomInt(rng, n - i);
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

/** `k` distinct indices from [0, n), in ascending order (partial Fisher-Yates). */
export function sampleIndices(rng: Rng, n: number, k: number): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  return partialShuffle(rng, pool, k).slice(0, k).sort();
}
