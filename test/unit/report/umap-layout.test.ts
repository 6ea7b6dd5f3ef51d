import { UMAP } from 'umap-js';
import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../functions/lib/report/random.ts';
import { optimizeLayout2d } from '../../../functions/lib/report/umap-layout.ts';

describe('optimizeLayout2d (typed-array UMAP layout)', () => {
  it('gives the same layout as umap-js, bit for bit, for the same seed', () => {
    // Prepare: two blobs in 8-D.
    const data = createSeededRandom(3);
    const rows = Array.from({ length: 120 }, (_, i) =>
      Array.from({ length: 8 }, (_, k) => data() + (i < 60 && k < 3 ? 4 : 0)),
    );
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
