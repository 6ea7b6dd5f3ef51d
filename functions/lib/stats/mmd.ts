/**
 * Maximum Mean Discrepancy with a permutation p-value (Gretton et al. 2012, JMLR 13).
 * Statistic: the UNBIASED MMD^2 estimate (eq. 3; diagonal terms excluded) with the RBF kernel
 * k(x, y) = exp(-|x - y|^2 / (2 sigma^2)), sigma = median pairwise euclidean distance of the pooled
 * sample (median heuristic). p = (1 + #{permuted MMD^2 >= observed}) / (1 + permutations).
 * The pooled kernel matrix is built once from one Gram matrix; a permutation only re-sums entries.
 */
import { type EmbeddingRows, packPair } from './embeddings.ts';
import { StatsInputError } from './errors.ts';
import { gramUpper } from './gram-simd.ts';
import { createRng, type Rng, sampleIndices, shuffleInPlace } from './rng.ts';
import { makeResult, type StatMethodDescriptor, type StatResult } from './types.ts';

export const mmdDescriptor: StatMethodDescriptor = {
  name: 'mmd',
  title: 'Maximum Mean Discrepancy',
  kind: 'p_value',
  direction: 'low_is_drift',
  dataTypes: ['embedding'],
  defaultThreshold: 0.05,
};

export interface MmdOptions {
  threshold?: number;
  /** Number of permutations B (default 100). */
  permutations?: number;
  /** Seed of the RNG used for subsampling and permutations (default 0). */
  seed?: number;
  /** Cap on rows used from each window; larger windows are subsampled with the seeded RNG. */
  maxSamples?: number;
  /** Fixed kernel bandwidth sigma instead of the median heuristic. */
  bandwidth?: number;
}

export interface MmdResult extends StatResult {
  /** Kernel bandwidth sigma that was used. */
  bandwidth: number;
  permutations: number;
  /** True when `maxSamples` made the test run on a subsample. */
  subsampled: boolean;
}

/** k-th smallest (0-based) of `values`, reordering it in place (Hoare quickselect). */
function select(values: Float64Array, k: number, lo0 = 0, hi0 = values.length - 1): number {
  let lo = lo0;
  let hi = hi0;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/** numpy.median of the square roots of `sq` (which it reorders). */
function medianOfSqrt(sq: Float64Array): number {
  const n = sq.length;
  const upper = select(sq, n >> 1);
  if (n % 2 === 1) return Math.sqrt(upper);
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (sq[i] > lower) lower = sq[i];
  return (Math.sqrt(lower) + Math.sqrt(upper)) / 2;
}

/** Pooled squared distances in the upper triangle, computed in place over the Gram matrix. */
function squaredDistances(pooled: Float64Array, total: number, dim: number): Float64Array {
  const g = gramUpper(pooled, total, dim);
  for (let i = 0; i < total; i++) {
    const gii = g[i * total + i];
    for (let j = i + 1; j < total; j++) {
      const v = gii + g[j * total + j] - 2 * g[i * total + j];
      g[i * total + j] = Math.max(v, 0);
    }
  }
  return g;
}

function medianBandwidth(d2: Float64Array, total: number): number {
  const pairs = new Float64Array((total * (total - 1)) / 2);
  let p = 0;
  for (let i = 0; i < total; i++) for (let j = i + 1; j < total; j++) pairs[p++] = d2[i * total + j];
  const median = medianOfSqrt(pairs);
  if (median > 0) return median;
  // More than half the pairs coincide: fall back to the mean positive distance so the kernel is defined.
  let sum = 0;
  let count = 0;
  for (const v of pairs) {
    if (v > 0) {
      sum += Math.sqrt(v);
      count++;
    }
  }
  return count > 0 ? sum / count : 1;
}

/** Kernel values in place of the upper triangle of `d2`; fills `rowSums` (diagonal excluded). */
function kernelInPlace(d2: Float64Array, total: number, sigma: number, rowSums: Float64Array): Float64Array {
  const scale = -1 / (2 * sigma * sigma);
  for (let i = 0; i < total; i++) {
    let rowSum = 0;
    for (let j = i + 1; j < total; j++) {
      const k = Math.exp(d2[i * total + j] * scale);
      d2[i * total + j] = k;
      rowSum += k;
      rowSums[j] += k;
    }
    rowSums[i] += rowSum;
  }
  return d2;
}

/** Sum of K over ordered pairs i != j in `group`; ascending indices keep every read in the upper triangle. */
function withinSum(kernel: Float64Array, total: number, group: Int32Array): number {
  let sum = 0;
  for (let a = 0; a < group.length; a++) {
    const row = group[a] * total;
    let s = 0;
    for (let b = a + 1; b < group.length; b++) s += kernel[row + group[b]];
    sum += s;
  }
  return 2 * sum;
}

/**
 * MMD^2_u for a split of the pooled sample, from the sum within the smaller group only:
 * with row sums r and total T, S_xy = sum_{i in small} r_i - S_small and S_big = T - 2 sum r + S_small.
 */
function splitStatistic(
  kernel: Float64Array,
  rowSums: Float64Array,
  totalSum: number,
  total: number,
  small: Int32Array,
): { sSmall: number; sCross: number; sBig: number } {
  const sSmall = withinSum(kernel, total, small);
  let r = 0;
  for (let a = 0; a < small.length; a++) r += rowSums[small[a]];
  return { sSmall, sCross: r - sSmall, sBig: totalSum - 2 * r + sSmall };
}

function mmd2(sSmall: number, sBig: number, sCross: number, ns: number, nb: number): number {
  return sSmall / (ns * (ns - 1)) + sBig / (nb * (nb - 1)) - (2 * sCross) / (ns * nb);
}

function subsample(data: Float64Array, rows: number, dim: number, cap: number, rng: Rng): Float64Array {
  if (rows <= cap) return data;
  const keep = sampleIndices(rng, rows, cap);
  const out = new Float64Array(cap * dim);
  for (let i = 0; i < cap; i++) out.set(data.subarray(keep[i] * dim, keep[i] * dim + dim), i * dim);
  return out;
}

export function mmdPermutationTest(
  reference: EmbeddingRows,
  current: EmbeddingRows,
  options: MmdOptions = {},
): MmdResult {
  const permutations = options.permutations ?? 100;
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw new StatsInputError('INVALID_OPTION', 'permutations must be a positive integer');
  }
  const cap = options.maxSamples ?? Number.POSITIVE_INFINITY;
  if (!(cap >= 2)) throw new StatsInputError('INVALID_OPTION', 'maxSamples must be at least 2');
  if (options.bandwidth !== undefined && !(options.bandwidth > 0 && Number.isFinite(options.bandwidth))) {
    throw new StatsInputError('INVALID_OPTION', 'bandwidth must be a finite number > 0');
  }
  const [ref, cur] = packPair(reference, current);
  if (ref.rows < 2 || cur.rows < 2) {
    throw new StatsInputError('INSUFFICIENT_SAMPLES', 'MMD needs at least 2 rows in each window');
  }
  const rng = createRng(options.seed ?? 0);
  const dim = ref.dim;
  const x = subsample(ref.data, ref.rows, dim, cap, rng);
  const y = subsample(cur.data, cur.rows, dim, cap, rng);
  const n = x.length / dim;
  const m = y.length / dim;
  const total = n + m;
  const pooled = new Float64Array(total * dim);
  pooled.set(x);
  pooled.set(y, n * dim);

  const d2 = squaredDistances(pooled, total, dim);
  const sigma = options.bandwidth ?? medianBandwidth(d2, total);
  const rowSums = new Float64Array(total);
  const kernel = kernelInPlace(d2, total, sigma, rowSums);
  let totalSum = 0;
  for (let i = 0; i < total; i++) totalSum += rowSums[i];

  // Sum over the smaller window each time; which window is smaller is fixed by the sizes.
  const referenceIsSmall = n <= m;
  const ns = Math.min(n, m);
  const nb = total - ns;
  const observedSmall = Int32Array.from({ length: ns }, (_, i) => (referenceIsSmall ? i : n + i));
  const obs = splitStatistic(kernel, rowSums, totalSum, total, observedSmall);
  const observed = mmd2(obs.sSmall, obs.sBig, obs.sCross, ns, nb);

  const order = Int32Array.from({ length: total }, (_, i) => i);
  let exceed = 0;
  for (let b = 0; b < permutations; b++) {
    shuffleInPlace(rng, order);
    const small = order.slice(0, ns).sort();
    const s = splitStatistic(kernel, rowSums, totalSum, total, small);
    if (mmd2(s.sSmall, s.sBig, s.sCross, ns, nb) >= observed) exceed++;
  }

  const result = makeResult(mmdDescriptor, {
    statistic: observed,
    pValue: (exceed + 1) / (permutations + 1),
    threshold: options.threshold,
    referenceSize: n,
    currentSize: m,
  });
  return { ...result, bandwidth: sigma, permutations, subsampled: n < ref.rows || m < cur.rows };
}
