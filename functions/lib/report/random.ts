/** Seeded pseudo-random numbers for the projector, so a report is reproducible from its seed. */

export type RandomFn = () => number;

/** mulberry32: small, fast and good enough for sampling and layout initialisation. */
export function createSeededRandom(seed: number): RandomFn {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw by Box-Muller; `1 - u` keeps log away from zero. */
export function gaussian(random: RandomFn): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** k distinct indices out of [0, n), by a partial Fisher-Yates shuffle, returned in ascending order. */
export function sampleIndices(n: number, k: number, random: RandomFn): number[] {
  const take = Math.min(n, Math.max(0, k));
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (n - i));
    const tmp = pool[i];
    pool[i] = pool[j];
    pool[j] = tmp;
  }
  return pool.slice(0, take).sort((a, b) => a - b);
}
