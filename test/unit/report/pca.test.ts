import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pca, symmetricEigen } from '../../../functions/lib/report/pca.ts';
import { createSeededRandom } from '../../../functions/lib/report/random.ts';

// Reference values from numpy.linalg.svd, written by tools/fixtures/report_fixtures.py.
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/report/pca.json', import.meta.url), 'utf8'));

/** Same formula as formula_matrix() in tools/fixtures/report_fixtures.py. */
function formulaMatrix(n: number, d: number): number[][] {
  const scales = [5, 3, 2, 1, 0.5, 0.25];
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      let v = 0;
      scales.forEach((s, c) => {
        v += s * Math.sin((i + 1) * (c + 1) * 0.37 + c) * Math.cos((j + 1) * (c + 2) * 0.11 + 0.5 * c);
      });
      return v + 0.01 * Math.sin(i * 7.3 + j * 3.1);
    }),
  );
}

function expectClose(actual: ArrayLike<number>, expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => {
    expect(Math.abs(actual[i] - e)).toBeLessThan(tolerance);
  });
}

describe('pca', () => {
  it('matches numpy on a tiny matrix (exact path: sketch as wide as the data)', () => {
    const { x, k, mean, components, explained_variance, projected } = fixture.tiny;
    const result = pca(x, k, { random: createSeededRandom(1) });
    expect(result.k).toBe(k);
    expectClose(result.mean, mean, 1e-12);
    expectClose(result.explainedVariance, explained_variance, 1e-9);
    expectClose(result.components, components.flat(), 1e-9);
    expectClose(result.projected, projected.flat(), 1e-9);
  });

  it('matches numpy on a 300 x 64 matrix through the randomized sketch', () => {
    const { n, d, k, mean, components, explained_variance, projected } = fixture.formula;
    const result = pca(formulaMatrix(n, d), k, { random: createSeededRandom(42) });
    expectClose(result.mean, mean, 1e-9);
    expectClose(result.explainedVariance, explained_variance, 1e-6);
    expectClose(result.components, components.flat(), 1e-6);
    expectClose(result.projected.subarray(0, 10 * k), projected.flat(), 1e-5);
  });

  it('returns no more components than the data has dimensions or rows', () => {
    const result = pca(
      [
        [1, 2],
        [3, 5],
        [4, 4],
      ],
      10,
      { random: createSeededRandom(3) },
    );
    expect(result.k).toBe(2);
    expect(result.projected).toHaveLength(6);
  });

  it('gives zero components, not NaN, for constant data', () => {
    const result = pca(
      Array.from({ length: 5 }, () => [1, 1, 1]),
      2,
      { random: createSeededRandom(3) },
    );
    expect([...result.components].every((v) => v === 0)).toBe(true);
    expect([...result.projected].every((v) => v === 0)).toBe(true);
  });
});

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix: A v = lambda v, values descending', () => {
    const a = Float64Array.from([4, 1, 2, 1, 3, 0, 2, 0, 5]);
    const { values, vectors } = symmetricEigen(a, 3);
    expect(values[0]).toBeGreaterThanOrEqual(values[1]);
    expect(values[1]).toBeGreaterThanOrEqual(values[2]);
    for (let i = 0; i < 3; i++) {
      const v = vectors.subarray(i * 3, i * 3 + 3);
      for (let r = 0; r < 3; r++) {
        const av = a[r * 3] * v[0] + a[r * 3 + 1] * v[1] + a[r * 3 + 2] * v[2];
        expect(av).toBeCloseTo(values[i] * v[r], 10);
      }
    }
  });
});
