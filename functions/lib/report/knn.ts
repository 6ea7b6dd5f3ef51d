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
  const d2s = new Float64Array(4);
  const offer = (i: number, j: number, dist2: number) => {
    // The point itself always ranks first, even beside an exact duplicate.
    const d2 = j === i ? -1 : dist2;
    if (d2 >= bestD[kk - 1]) return;
    let p = kk - 1;
    while (p > 0 && bestD[p - 1] > d2) {
      bestD[p] = bestD[p - 1];
      bestI[p] = bestI[p - 1];
      p--;
    }
    bestD[p] = d2;
    bestI[p] = j;
  };
  for (let i = 0; i < n; i++) {
    bestD.fill(Number.POSITIVE_INFINITY);
    bestI.fill(-1);
    const oi = i * dims;
    let j = 0;
    // Four candidates per pass share the loads of row i; each distance is still summed in dimension order.
    for (; j + 3 < n; j += 4) {
      const o0 = j * dims;
      const o1 = o0 + dims;
      const o2 = o1 + dims;
      const o3 = o2 + dims;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let a = 0; a < dims; a++) {
        const xi = x[oi + a];
        const e0 = xi - x[o0 + a];
        const e1 = xi - x[o1 + a];
        const e2 = xi - x[o2 + a];
        const e3 = xi - x[o3 + a];
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      d2s[0] = s0;
      d2s[1] = s1;
      d2s[2] = s2;
      d2s[3] = s3;
      for (let c = 0; c < 4; c++) offer(i, j + c, d2s[c]);
    }
    for (; j < n; j++) {
      const oj = j * dims;
      let d2 = 0;
      for (let a = 0; a < dims; a++) {
        const diff = x[oi + a] - x[oj + a];
        d2 += diff * diff;
      }
      offer(i, j, d2);
    }
    indices.push(Array.from(bestI));
    distances.push(Array.from(bestD, (d) => Math.sqrt(Math.max(0, d))));
  }
  return { indices, distances };
}
