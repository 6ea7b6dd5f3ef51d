/**
 * Exact k-nearest neighbours by brute force, for UMAP's neighbour graph. At the projector's sample
 * sizes (a few thousand points of ~40 PCA dimensions) this beats umap-js's own NN-descent and is exact.
 */

export interface KnnResult {
  /** Per point, its k neighbours nearest first, the point itself first (as umap-learn includes it). */
  indices: number[][];
  /** Euclidean distances matching `indices`. */
  distances: number[][];
}

/** Rows are the n x dims row-major matrix `x`. */
export function exactKnn(x: Float64Array, n: number, dims: number, k: number): KnnResult {
  const kk = Math.min(k, n);
  const indices: number[][] = [];
  const distances: number[][] = [];
  const bestD = new Float64Array(kk);
  const bestI = new Int32Array(kk);
  for (let i = 0; i < n; i++) {
    bestD.fill(Number.POSITIVE_INFINITY);
    bestI.fill(-1);
    const oi = i * dims;
    for (let j = 0; j < n; j++) {
      const oj = j * dims;
      let d2 = 0;
      for (let a = 0; a < dims; a++) {
        const diff = x[oi + a] - x[oj + a];
        d2 += diff * diff;
      }
      // The point itself always ranks first, even beside an exact duplicate.
      if (j === i) d2 = -1;
      if (d2 >= bestD[kk - 1]) continue;
      let p = kk - 1;
      while (p > 0 && bestD[p - 1] > d2) {
        bestD[p] = bestD[p - 1];
        bestI[p] = bestI[p - 1];
        p--;
      }
      bestD[p] = d2;
      bestI[p] = j;
    }
    indices.push(Array.from(bestI));
    distances.push(Array.from(bestD, (d) => Math.sqrt(Math.max(0, d))));
  }
  return { indices, distances };
}
