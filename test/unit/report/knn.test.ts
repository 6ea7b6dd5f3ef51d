import { describe, expect, it } from 'vitest';
import { exactKnn } from '../../../functions/lib/report/knn.ts';
import { createSeededRandom } from '../../../functions/lib/report/random.ts';

describe('exactKnn', () => {
  it('agrees with sorting every distance', () => {
    const random = createSeededRandom(5);
    const n = 60;
    const dims = 3;
    const x = Float64Array.from({ length: n * dims }, () => random());
    const k = 6;
    const { indices, distances } = exactKnn(x, n, dims, k);
    for (let i = 0; i < n; i++) {
      const all = Array.from({ length: n }, (_, j) => ({
        j,
        d: Math.hypot(...Array.from({ length: dims }, (_, a) => x[i * dims + a] - x[j * dims + a])),
      })).sort((p, q) => p.d - q.d);
      expect(indices[i][0]).toBe(i);
      expect(indices[i]).toEqual(all.slice(0, k).map((p) => p.j));
      distances[i].forEach((d, r) => {
        expect(d).toBeCloseTo(all[r].d, 12);
      });
    }
  });

  it('ranks a point before its exact duplicate', () => {
    const { indices } = exactKnn(Float64Array.from([1, 1, 1, 1, 5, 5]), 3, 2, 2);
    expect(indices[0]).toEqual([0, 1]);
    expect(indices[1]).toEqual([1, 0]);
  });
});
