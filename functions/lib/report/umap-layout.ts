/**
 * UMAP's layout optimisation (the SGD over the fuzzy graph's edges with negative sampling), the same
 * steps and the same random draws as umap-js's optimizeLayoutStep, on typed arrays for a 2-D layout:
 * several times faster than the library's arrays of arrays, and the same layout, bit for bit.
 * It runs on the state umap-js prepared in initializeFit (graph, a, b, epochs per sample), or on the
 * same state built by umap-graph.ts (`umapLayout2d`), which skips the library's sparse matrices too.
 */
import type { UMAP } from 'umap-js';
import { findABParams } from 'umap-js/dist/umap.js';
import type { KnnResult } from './knn.ts';
import { fuzzyGraphEdges, type LayoutEdges, umapEpochs } from './umap-graph.ts';

interface OptimizationState {
  head: number[];
  tail: number[];
  headEmbedding: number[][];
  epochsPerSample: number[];
  epochOfNextSample: number[];
  epochOfNextNegativeSample: number[];
  epochsPerNegativeSample: number[];
  initialAlpha: number;
  gamma: number;
  a: number;
  b: number;
  nEpochs: number;
  nVertices: number;
  dim: number;
  moveOther: boolean;
}

const clip = (x: number) => Math.min(4, Math.max(-4, x));

/** Everything the epochs need: the edges, the curve (a, b) and the initial positions (x, y interleaved). */
export interface LayoutProblem extends LayoutEdges {
  xy: Float64Array;
  a: number;
  b: number;
  nEpochs: number;
  /** umap-js's learningRate and repulsionStrength. @default 1 */
  initialAlpha?: number;
  gamma?: number;
}

/** Runs every epoch of an initialised 2-D UMAP and returns the layout (what `fit` returns). */
export function optimizeLayout2d(umap: UMAP, random: () => number): number[][] {
  const s = (umap as unknown as { optimizationState: OptimizationState }).optimizationState;
  if (s.dim !== 2 || !s.moveOther)
    return (umap as unknown as { optimizeLayout(): number[][] }).optimizeLayout();
  const nv = s.headEmbedding.length;
  const xy = new Float64Array(nv * 2);
  for (let i = 0; i < nv; i++) {
    xy[2 * i] = s.headEmbedding[i][0];
    xy[2 * i + 1] = s.headEmbedding[i][1];
  }
  runEpochs(
    {
      xy,
      head: Int32Array.from(s.head),
      tail: Int32Array.from(s.tail),
      epochsPerSample: Float64Array.from(s.epochsPerSample),
      a: s.a,
      b: s.b,
      nEpochs: s.nEpochs,
      initialAlpha: s.initialAlpha,
      gamma: s.gamma,
    },
    random,
    {
      nextSample: Float64Array.from(s.epochOfNextSample),
      nextNegative: Float64Array.from(s.epochOfNextNegativeSample),
      perNegative: Float64Array.from(s.epochsPerNegativeSample),
      nVertices: s.nVertices,
    },
  );
  return Array.from({ length: nv }, (_, i) => [xy[2 * i], xy[2 * i + 1]]);
}

/** The SGD epochs over `p.xy`, in place. */
function runEpochs(
  p: LayoutProblem,
  random: () => number,
  state: {
    nextSample: Float64Array;
    nextNegative: Float64Array;
    perNegative: Float64Array;
    nVertices: number;
  },
): void {
  const { xy, head, tail, a, b, nEpochs } = p;
  const perSample = p.epochsPerSample;
  const { nextSample, nextNegative, perNegative, nVertices } = state;
  const gamma = p.gamma ?? 1;
  const initialAlpha = p.initialAlpha ?? 1;
  const edges = perSample.length;
  let alpha = initialAlpha;
  for (let n = 0; n < nEpochs; n++) {
    for (let i = 0; i < edges; i++) {
      if (nextSample[i] > n) continue;
      const j = head[i];
      const k = tail[i];
      const dx = xy[2 * j] - xy[2 * k];
      const dy = xy[2 * j + 1] - xy[2 * k + 1];
      const d2 = dx * dx + dy * dy;
      let coeff = 0;
      if (d2 > 0) {
        coeff = (-2 * a * b * d2 ** (b - 1)) / (a * d2 ** b + 1);
      }
      const gx = clip(coeff * dx);
      xy[2 * j] += gx * alpha;
      xy[2 * k] -= gx * alpha;
      // umap-js updates x before it reads y, so the y gradient sees the moved x of neither point.
      const gy = clip(coeff * (xy[2 * j + 1] - xy[2 * k + 1]));
      xy[2 * j + 1] += gy * alpha;
      xy[2 * k + 1] -= gy * alpha;
      nextSample[i] += perSample[i];
      const negatives = Math.floor((n - nextNegative[i]) / perNegative[i]);
      for (let p = 0; p < negatives; p++) {
        const o = Math.floor(random() * nVertices);
        const ox = xy[2 * j] - xy[2 * o];
        const oy = xy[2 * j + 1] - xy[2 * o + 1];
        const e2 = ox * ox + oy * oy;
        let c = 0;
        if (e2 > 0) c = (2 * gamma * b) / ((0.001 + e2) * (a * e2 ** b + 1));
        else if (j === o) continue;
        const rx = c > 0 ? clip(c * ox) : 4;
        xy[2 * j] += rx * alpha;
        const ry = c > 0 ? clip(c * (xy[2 * j + 1] - xy[2 * o + 1])) : 4;
        xy[2 * j + 1] += ry * alpha;
      }
      nextNegative[i] += negatives * perNegative[i];
    }
    alpha = initialAlpha * (1 - n / nEpochs); // as umap-js: epoch n + 1 runs at the rate set after epoch n
  }
}

/**
 * A whole 2-D UMAP fit on a precomputed kNN graph (what umap-js's setPrecomputedKNN, initializeFit and
 * fit do, with its other parameters at their defaults), bit for bit; null when the graph has a missing
 * neighbour (the caller then uses the library).
 */
export function umapLayout2d(
  knn: KnnResult,
  options: { nNeighbors: number; minDist: number; nEpochs: number },
  random: () => number,
): { xs: Float64Array; ys: Float64Array } | null {
  const n = knn.indices.length;
  if (n <= options.nNeighbors) {
    throw new Error(`Not enough data points (${n}) to create nNeighbors: ${options.nNeighbors}.`);
  }
  const edges = fuzzyGraphEdges(knn, options.nNeighbors, options.nEpochs);
  if (!edges) return null;
  // umap-js draws the random start, row by row, after it built the graph.
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < 2 * n; i++) xy[i] = random() * 20 + -10;
  const { a, b } = curveParameters(options.minDist);
  const perNegative = edges.epochsPerSample.map((e) => e / 5); // umap-js's negativeSampleRate
  runEpochs({ ...edges, xy, a, b, nEpochs: umapEpochs(options.nEpochs, n) }, random, {
    nextSample: Float64Array.from(edges.epochsPerSample),
    nextNegative: Float64Array.from(perNegative),
    perNegative,
    nVertices: n,
  });
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = xy[2 * i];
    ys[i] = xy[2 * i + 1];
  }
  return { xs, ys };
}

const curves = new Map<number, { a: number; b: number }>();

/** umap-js's fit of the curve 1 / (1 + a d^2b) to the minDist profile (spread 1); the same per minDist. */
function curveParameters(minDist: number): { a: number; b: number } {
  let ab = curves.get(minDist);
  if (!ab) {
    ab = findABParams(1, minDist);
    curves.set(minDist, ab);
  }
  return ab;
}
