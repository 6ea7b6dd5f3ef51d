/**
 * UMAP's fuzzy simplicial set as the edge list its layout optimises: umap-js's smoothKNNDistance,
 * computeMembershipStrengths, fuzzy union (setOpMixRatio 1) and initializeSimplicialSetEmbedding's
 * pruning and epochs per sample, on typed arrays. The same arithmetic in the same order, so the same
 * edges, weights and order bit for bit, without the library's string-keyed sparse matrices (which cost
 * more than the layout itself at the projector's 2,000 points).
 * Holds for a precomputed kNN graph with umap-js's default localConnectivity (1) and set operation.
 */
import type { KnnResult } from './knn.ts';

/** The edges UMAP samples: `head[i]` is moved towards `tail[i]` every `epochsPerSample[i]` epochs. */
export interface LayoutEdges {
  head: Int32Array;
  tail: Int32Array;
  epochsPerSample: Float64Array;
}

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/** umap-js's utils.mean: a reduce without initial value, then a division. */
function mean(xs: readonly number[]): number {
  let s = xs[0];
  for (let i = 1; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Per point, the distance to its nearest non-identical neighbour (rho) and the kernel width (sigma). */
function smoothKnnDistances(distances: readonly number[][], k: number) {
  const n = distances.length;
  const target = Math.log(k) / Math.log(2);
  const rhos = new Float64Array(n);
  const sigmas = new Float64Array(n);
  let meanDistances: number | undefined;
  for (let i = 0; i < n; i++) {
    const row = distances[i];
    let rho = 0;
    for (const d of row) {
      if (d > 0) {
        rho = d;
        break;
      }
    }
    let lo = 0;
    let hi = Number.POSITIVE_INFINITY;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = 1; j < row.length; j++) {
        const d = row[j] - rho;
        psum += d > 0 ? Math.exp(-(d / mid)) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Number.POSITIVE_INFINITY ? mid * 2 : (lo + hi) / 2;
      }
    }
    let sigma = mid;
    if (rho > 0) {
      const floor = MIN_K_DIST_SCALE * mean(row);
      if (sigma < floor) sigma = floor;
    } else {
      meanDistances ??= mean(distances.map(mean));
      const floor = MIN_K_DIST_SCALE * meanDistances;
      if (sigma < floor) sigma = floor;
    }
    rhos[i] = rho;
    sigmas[i] = sigma;
  }
  return { rhos, sigmas };
}

/** umap-js's getNEpochs: the given count, or one by graph size when it is 0. */
export function umapEpochs(nEpochs: number, n: number): number {
  if (nEpochs > 0) return nEpochs;
  return n <= 2500 ? 500 : n <= 5000 ? 400 : n <= 7500 ? 300 : 200;
}

/**
 * The layout's edges for a kNN graph of `n` points (each row nearest first, the point itself first).
 * Returns null when a row has a missing neighbour (-1), which the typed path does not model.
 */
export function fuzzyGraphEdges(knn: KnnResult, nNeighbors: number, nEpochs: number): LayoutEdges | null {
  const { indices, distances } = knn;
  const n = indices.length;
  if (n === 0)
    return { head: new Int32Array(0), tail: new Int32Array(0), epochsPerSample: new Float64Array(0) };
  const k = indices[0].length;
  for (const row of indices) if (row.length !== k || row.includes(-1)) return null;
  const { rhos, sigmas } = smoothKnnDistances(distances, nNeighbors);
  // Membership strength of each kNN edge i -> indices[i][j], row-major as umap-js stores them.
  const strength = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const d = distances[i][j];
      strength[i * k + j] =
        indices[i][j] === i ? 0 : d - rhos[i] <= 0 ? 1 : Math.exp(-((d - rhos[i]) / sigmas[i]));
    }
  }
  const strengthOf = (from: number, to: number): number => {
    const row = indices[from];
    for (let j = 0; j < k; j++) if (row[j] === to) return strength[from * k + j];
    return -1;
  };
  // Fuzzy union a + aT - a*aT of every entry of the matrix and of its transpose.
  const rowCount = new Int32Array(n + 1);
  const reverse = new Float64Array(n * k); // a(c, i) for each kNN edge i -> c, -1 when c does not list i
  for (let i = 0; i < n; i++) {
    rowCount[i] += k;
    for (let j = 0; j < k; j++) {
      const c = indices[i][j];
      reverse[i * k + j] = strengthOf(c, i);
      if (reverse[i * k + j] < 0) rowCount[c]++;
    }
  }
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + rowCount[i];
  const fill = start.slice(0, n);
  const cols = new Int32Array(start[n]);
  const values = new Float64Array(start[n]);
  let graphMax = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const c = indices[i][j];
      const x = strength[i * k + j];
      const back = reverse[i * k + j];
      if (back >= 0) {
        const y = back;
        const v = (x + y - x * y) * 1 + x * y * 0;
        cols[fill[i]] = c;
        values[fill[i]++] = v;
        if (graphMax < v) graphMax = v;
      } else {
        // Only in the transpose: the entry (c, i) is 0 + x - 0 * x.
        cols[fill[i]] = c;
        values[fill[i]++] = x;
        cols[fill[c]] = i;
        values[fill[c]++] = x;
        if (graphMax < x) graphMax = x;
      }
    }
  }
  const epochs = umapEpochs(nEpochs, n);
  const cut = graphMax / epochs;
  // Edges in (row, col) order with the weak ones dropped, as initializeSimplicialSetEmbedding lists them.
  const head: number[] = [];
  const tail: number[] = [];
  const weights: number[] = [];
  for (let r = 0; r < n; r++) {
    const from = start[r];
    const to = start[r + 1];
    for (let a = from + 1; a < to; a++) {
      const c = cols[a];
      const v = values[a];
      let b = a - 1;
      while (b >= from && cols[b] > c) {
        cols[b + 1] = cols[b];
        values[b + 1] = values[b];
        b--;
      }
      cols[b + 1] = c;
      values[b + 1] = v;
    }
    for (let a = from; a < to; a++) {
      const v = values[a] < cut ? 0 : values[a];
      if (!v) continue;
      weights.push(v);
      tail.push(r);
      head.push(cols[a]);
    }
  }
  let max = 0;
  for (const w of weights) max = Math.max(max, w);
  const epochsPerSample = new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const samples = (weights[i] / max) * epochs;
    epochsPerSample[i] = samples > 0 ? epochs / samples : -1;
  }
  return { head: Int32Array.from(head), tail: Int32Array.from(tail), epochsPerSample };
}
