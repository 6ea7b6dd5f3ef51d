import { UMAP } from 'umap-js';
import { describe, expect, it } from 'vitest';
import { exactKnn } from '../../../functions/lib/report/knn.ts';
import { createSeededRandom } from '../../../functions/lib/report/random.ts';
import { fuzzyGraphEdges } from '../../../functions/lib/report/umap-graph.ts';
import { optimizeLayout2d, umapLayout2d } from '../../../functions/lib/report/umap-layout.ts';

/** Two blobs in `dims`-D, every `dupEvery`-th point a copy of the one before (zero distances). */
function blobs(n: number, dims: number, seed: number, dupEvery = 0): number[][] {
  const data = createSeededRandom(seed);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    rows.push(
      dupEvery > 0 && i % dupEvery === dupEvery - 1
        ? [...rows[i - 1]]
        : Array.from({ length: dims }, (_, k) => data() + (i < n / 2 && k < 3 ? 4 : 0)),
    );
  }
  return rows;
}

describe('optimizeLayout2d (typed-array UMAP layout)', () => {
  it('gives the same layout as umap-js, bit for bit, for the same seed', () => {
    // Prepare: two blobs in 8-D.
    const rows = blobs(120, 8, 3);
    const layout = (fast: boolean) => {
      const random = createSeededRandom(7);
      const umap = new UMAP({ nComponents: 2, nNeighbors: 10, minDist: 0.1, nEpochs: 60, random });
      // Act
      umap.initializeFit(rows);
      return fast ? optimizeLayout2d(umap, random) : umap.fit(rows);
    };
    const library = layout(false);
    const ours = layout(true);
    // Assess
    expect(ours).toEqual(library);
    // The blobs stay apart in 2-D.
    const mean = (from: number) => ours.slice(from, from + 60).reduce((s, p) => s + p[0], 0) / 60;
    expect(Math.abs(mean(0) - mean(60))).toBeGreaterThan(1);
  });
});

describe('umapLayout2d (typed-array UMAP fit on a precomputed kNN graph)', () => {
  const cases = [
    { name: 'two blobs', n: 150, dims: 8, nNeighbors: 10, minDist: 0.1, nEpochs: 60, dupEvery: 0 },
    { name: 'exact duplicates', n: 200, dims: 5, nNeighbors: 15, minDist: 0.1, nEpochs: 100, dupEvery: 7 },
    {
      name: "umap-js's own epoch count",
      n: 90,
      dims: 6,
      nNeighbors: 12,
      minDist: 0.3,
      nEpochs: 0,
      dupEvery: 0,
    },
  ];
  for (const c of cases) {
    it(`gives umap-js's layout and random stream, bit for bit: ${c.name}`, () => {
      // Prepare
      const rows = blobs(c.n, c.dims, c.n, c.dupEvery);
      const knn = exactKnn(Float64Array.from(rows.flat()), c.n, c.dims, c.nNeighbors);
      const libraryRandom = createSeededRandom(5);
      const umap = new UMAP({ nComponents: 2, ...c, random: libraryRandom });
      umap.setPrecomputedKNN(knn.indices, knn.distances);
      const ourRandom = createSeededRandom(5);
      // Act
      const library = umap.fit(rows);
      const ours = umapLayout2d(knn, c, ourRandom);
      // Assess
      expect(ours).not.toBeNull();
      const same = library.every((p, i) => Object.is(p[0], ours?.xs[i]) && Object.is(p[1], ours?.ys[i]));
      expect(same).toBe(true);
      expect(ourRandom()).toBe(libraryRandom());
    });
  }

  it('leaves a graph with a missing neighbour (-1) to the library', () => {
    const knn = exactKnn(Float64Array.from(blobs(40, 4, 1).flat()), 40, 4, 5);
    knn.indices[3][4] = -1;
    expect(fuzzyGraphEdges(knn, 5, 50)).toBeNull();
    expect(umapLayout2d(knn, { nNeighbors: 5, minDist: 0.1, nEpochs: 50 }, createSeededRandom(1))).toBeNull();
  });
});
