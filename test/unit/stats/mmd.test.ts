import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gramUpper } from '../../../functions/lib/stats/gram-simd.ts';
import { mmdPermutationTest } from '../../../functions/lib/stats/mmd.ts';
import { createRng, type Rng } from '../../../functions/lib/stats/rng.ts';

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is untyped
const fixture: any = JSON.parse(
  readFileSync(new URL('../../fixtures/stats/mmd.json', import.meta.url), 'utf8'),
);

function gaussian(rng: Rng): number {
  const u = rng.random() || Number.MIN_VALUE;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.random());
}

function sample(rng: Rng, n: number, d: number, shift: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: d }, () => gaussian(rng) + shift));
}

describe('mmdPermutationTest', () => {
  for (const c of fixture.cases) {
    it(`matches the NumPy reference MMD^2_u and median bandwidth (n=${c.reference.length}, d=${c.reference[0].length})`, () => {
      const r = mmdPermutationTest(c.reference, c.current, { permutations: 20, seed: 1 });
      expect(Math.abs(r.statistic - c.mmd2)).toBeLessThan(1e-12);
      expect(Math.abs(r.bandwidth - c.bandwidth)).toBeLessThan(1e-12 * c.bandwidth);
    });
  }

  it('gives the same p-value for the same data and seed, and may differ for another seed', () => {
    const rng = createRng(7);
    const x = sample(rng, 40, 6, 0);
    const y = sample(rng, 35, 6, 0.1);
    const a = mmdPermutationTest(x, y, { permutations: 200, seed: 42 });
    const b = mmdPermutationTest(x, y, { permutations: 200, seed: 42 });
    expect(b.pValue).toBe(a.pValue);
    expect(b.statistic).toBe(a.statistic);
    const others = [1, 2, 3, 4, 5].map(
      (seed) => mmdPermutationTest(x, y, { permutations: 200, seed }).pValue,
    );
    expect(new Set([a.pValue, ...others]).size).toBeGreaterThan(1);
  });

  it('gives the smallest possible p-value, 1/(B+1), for clearly shifted data', () => {
    const rng = createRng(3);
    const r = mmdPermutationTest(sample(rng, 50, 8, 0), sample(rng, 50, 8, 1.5), {
      permutations: 99,
      seed: 9,
    });
    expect(r.pValue).toBe(1 / 100);
    expect(r.drifted).toBe(true);
    expect(r.direction).toBe('low_is_drift');
  });

  it('gives roughly uniform p-values under the null', () => {
    const rng = createRng(11);
    const ps: number[] = [];
    for (let t = 0; t < 60; t++) {
      const r = mmdPermutationTest(sample(rng, 25, 3, 0), sample(rng, 25, 3, 0), {
        permutations: 49,
        seed: t,
      });
      ps.push(r.pValue ?? Number.NaN);
    }
    const mean = ps.reduce((s, p) => s + p, 0) / ps.length;
    const small = ps.filter((p) => p <= 0.1).length / ps.length;
    expect(mean).toBeGreaterThan(0.38);
    expect(mean).toBeLessThan(0.62);
    expect(small).toBeLessThan(0.25);
    expect(ps.every((p) => p >= 1 / 50 && p <= 1)).toBe(true);
  });

  it('subsamples each window to maxSamples with the seeded RNG', () => {
    const rng = createRng(5);
    const x = sample(rng, 80, 4, 0);
    const y = sample(rng, 60, 4, 0.5);
    const a = mmdPermutationTest(x, y, { maxSamples: 30, seed: 2, permutations: 20 });
    expect(a.referenceSize).toBe(30);
    expect(a.currentSize).toBe(30);
    expect(a.subsampled).toBe(true);
    expect(mmdPermutationTest(x, y, { maxSamples: 30, seed: 2, permutations: 20 }).statistic).toBe(
      a.statistic,
    );
    expect(mmdPermutationTest(x, y, { permutations: 20 }).subsampled).toBe(false);
  });

  it('uses a fixed bandwidth when given one', () => {
    const c = fixture.cases[0];
    expect(mmdPermutationTest(c.reference, c.current, { bandwidth: 2.5, permutations: 5 }).bandwidth).toBe(
      2.5,
    );
  });
});

describe('gramUpper', () => {
  it('WebAssembly SIMD and JavaScript kernels agree with a naive dot product (odd sizes pad correctly)', () => {
    const rng = createRng(1);
    const n = 7;
    const d = 5;
    const rows = Float64Array.from({ length: n * d }, () => gaussian(rng));
    const simd = gramUpper(rows, n, d, true);
    const js = gramUpper(rows, n, d, false);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += rows[i * d + k] * rows[j * d + k];
        expect(simd[i * n + j]).toBeCloseTo(dot, 12);
        expect(js[i * n + j]).toBeCloseTo(dot, 12);
      }
    }
  });
});
