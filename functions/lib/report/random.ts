/** Seeded pseudo-random numbers for the projector, so a report is reproducible from its seed. */
import { createRng, sampleIndices as sampleRngIndices } from '../stats/rng.ts';

export type RandomFn = () => number;

/** The stats library's mulberry32, as the plain function umap-js and the layout code take. */
export function createSeededRandom(seed: number): RandomFn {
  const rng = createRng(seed);
  return () => rng.random();
}

/** Standard normal draw by Box-Muller; `1 - u` keeps log away from zero. */
export function gaussian(random: RandomFn): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** k distinct indices out of [0, n), in ascending order. */
export function sampleIndices(n: number, k: number, random: RandomFn): number[] {
  const take = Math.min(n, Math.max(0, k));
  return Array.from(sampleRngIndices({ random }, n, take));
}
