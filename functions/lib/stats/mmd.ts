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
import { createRng, type Rng, randomInt, sampleIndices, shuffleInPlace } from './rng.ts';
import { makeResult, type StatMethodDescriptor, type StatResult } from './types.ts';
import { type WithinSum, withinSumKernel } from './within-sum-simd.ts';

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
  /** Most permutations B (default 100); the smallest p it can show is 1 / (B + 1). */
  permutations?: number;
  /**
   * Besag & Clifford (1991) sequential stopping: stop once this many permuted statistics reached the
   * observed one, with p = h / L after L permutations; otherwise run all B, p = (g + 1) / (B + 1).
   * Either way the p-value is exact (valid), and the decision at any level below (h + 1) / (B + 1)
   * is the full test's. Off (all B permutations) when absent.
   */
  earlyStop?: number;
  /**
   * Stratum of every row, reference rows first then current rows (e.g. the predicted label): permutes
   * window membership only within strata, a conditional test of "same distribution given the stratum"
   * that a changed mix of strata does not reject. Not with `maxSamples` subsampling.
   */
  strata?: ArrayLike<number>;
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
  /** Permutations actually run (fewer than asked when the sequential rule stopped early). */
  permutations: number;
  /** True when `maxSamples` made the test run on a subsample. */
  subsampled: boolean;
  /** True when the Besag-Clifford rule stopped before B permutations. */
  stoppedEarly: boolean;
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

/** The pooled kernel once, the permutations against it; shared by the plain and the stratified test. */
interface PreparedMmd {
  /** Float32 SIMD sums of the kernel over a group, which every permutation (and the observed split) uses. */
  within: WithinSum;
  rowSums: Float64Array;
  totalSum: number;
  total: number;
  ns: number;
  nb: number;
  /** The observed smaller window, as pooled row indices. */
  observedSmall: Int32Array;
  /** Observed MMD^2_u from the float64 kernel (reported). */
  statistic: number;
  /** Observed MMD^2_u from the same float32 sums the permutations use (compared, so ties stay ties). */
  observed32: number;
  sigma: number;
  n: number;
  m: number;
}

function statistic32(p: PreparedMmd, small: Int32Array): number {
  const sSmall = p.within.within(small);
  let r = 0;
  for (let a = 0; a < small.length; a++) r += p.rowSums[small[a]];
  return mmd2(sSmall, p.totalSum - 2 * r + sSmall, r - sSmall, p.ns, p.nb);
}

/** Permutation p-value with optional Besag-Clifford stopping; `draw` gives each permuted small group. */
function permutationPValue(
  p: PreparedMmd,
  draw: () => Int32Array,
  permutations: number,
  earlyStop: number | undefined,
): { pValue: number; permutations: number; stoppedEarly: boolean } {
  let exceed = 0;
  for (let b = 1; b <= permutations; b++) {
    if (statistic32(p, draw()) >= p.observed32) exceed++;
    if (earlyStop !== undefined && exceed >= earlyStop && b < permutations) {
      return { pValue: exceed / b, permutations: b, stoppedEarly: true };
    }
  }
  return { pValue: (exceed + 1) / (permutations + 1), permutations, stoppedEarly: false };
}

function validate(options: MmdOptions): { permutations: number; cap: number } {
  const permutations = options.permutations ?? 100;
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw new StatsInputError('INVALID_OPTION', 'permutations must be a positive integer');
  }
  const cap = options.maxSamples ?? Number.POSITIVE_INFINITY;
  if (!(cap >= 2)) throw new StatsInputError('INVALID_OPTION', 'maxSamples must be at least 2');
  if (options.bandwidth !== undefined && !(options.bandwidth > 0 && Number.isFinite(options.bandwidth))) {
    throw new StatsInputError('INVALID_OPTION', 'bandwidth must be a finite number > 0');
  }
  if (options.earlyStop !== undefined && !(Number.isInteger(options.earlyStop) && options.earlyStop >= 1)) {
    throw new StatsInputError('INVALID_OPTION', 'earlyStop must be a positive integer');
  }
  return { permutations, cap };
}

function prepare(
  reference: EmbeddingRows,
  current: EmbeddingRows,
  options: MmdOptions,
  rng: Rng,
  cap: number,
) {
  const [ref, cur] = packPair(reference, current);
  if (ref.rows < 2 || cur.rows < 2) {
    throw new StatsInputError('INSUFFICIENT_SAMPLES', 'MMD needs at least 2 rows in each window');
  }
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
  const prepared: PreparedMmd = {
    within: withinSumKernel(kernel, total),
    rowSums,
    totalSum,
    total,
    ns,
    nb,
    observedSmall,
    statistic: mmd2(obs.sSmall, obs.sBig, obs.sCross, ns, nb),
    observed32: 0,
    sigma,
    n,
    m,
  };
  prepared.observed32 = statistic32(prepared, observedSmall);
  return { prepared, subsampled: n < ref.rows || m < cur.rows };
}

/** Uniform permutations of window membership. */
function plainDraw(p: PreparedMmd, rng: Rng): () => Int32Array {
  const order = Int32Array.from({ length: p.total }, (_, i) => i);
  return () => {
    shuffleInPlace(rng, order);
    return order.slice(0, p.ns).sort();
  };
}

/** Permutations within strata: each stratum keeps its count of rows in the smaller window. */
function stratifiedDraw(p: PreparedMmd, strata: ArrayLike<number>, rng: Rng): () => Int32Array {
  if (strata.length !== p.total) {
    throw new StatsInputError(
      'DIMENSION_MISMATCH',
      `strata has ${strata.length} entries, expected ${p.total}`,
    );
  }
  const members = new Map<number, number[]>();
  for (let i = 0; i < p.total; i++) {
    const s = strata[i];
    const list = members.get(s);
    if (list) list.push(i);
    else members.set(s, [i]);
  }
  const inSmall = new Set(p.observedSmall);
  const groups = [...members.values()].map((rows) => ({
    rows: Int32Array.from(rows),
    take: rows.filter((r) => inSmall.has(r)).length,
  }));
  const out = new Int32Array(p.ns);
  return () => {
    let at = 0;
    for (const g of groups) {
      const rows = g.rows;
      for (let i = 0; i < g.take; i++) {
        const j = i + randomInt(rng, rows.length - i);
        const t = rows[i];
        rows[i] = rows[j];
        rows[j] = t;
        out[at++] = rows[i];
      }
    }
    return out.slice().sort();
  };
}

function result(
  prepared: PreparedMmd,
  perm: { pValue: number; permutations: number; stoppedEarly: boolean },
  subsampled: boolean,
  threshold: number | undefined,
): MmdResult {
  const base = makeResult(mmdDescriptor, {
    statistic: prepared.statistic,
    pValue: perm.pValue,
    threshold,
    referenceSize: prepared.n,
    currentSize: prepared.m,
  });
  return {
    ...base,
    bandwidth: prepared.sigma,
    permutations: perm.permutations,
    subsampled,
    stoppedEarly: perm.stoppedEarly,
  };
}

export function mmdPermutationTest(
  reference: EmbeddingRows,
  current: EmbeddingRows,
  options: MmdOptions = {},
): MmdResult {
  const { permutations, cap } = validate(options);
  if (options.strata && cap < Number.POSITIVE_INFINITY) {
    throw new StatsInputError('INVALID_OPTION', 'strata cannot be combined with maxSamples');
  }
  const rng = createRng(options.seed ?? 0);
  const { prepared, subsampled } = prepare(reference, current, options, rng, cap);
  const draw = options.strata ? stratifiedDraw(prepared, options.strata, rng) : plainDraw(prepared, rng);
  return result(
    prepared,
    permutationPValue(prepared, draw, permutations, options.earlyStop),
    subsampled,
    options.threshold,
  );
}

/**
 * The plain MMD test and the one stratified by `strata` (e.g. the predicted label) on one kernel
 * matrix: drift that the stratified test no longer finds is a changed mix of known kinds of text;
 * drift it still finds is a new kind of text.
 */
export function mmdWithStrata(
  reference: EmbeddingRows,
  current: EmbeddingRows,
  strata: ArrayLike<number>,
  options: Omit<MmdOptions, 'strata' | 'maxSamples'> = {},
): { plain: MmdResult; stratified: MmdResult } {
  const { permutations } = validate(options);
  const rng = createRng(options.seed ?? 0);
  const { prepared } = prepare(reference, current, options, rng, Number.POSITIVE_INFINITY);
  const plain = permutationPValue(prepared, plainDraw(prepared, rng), permutations, options.earlyStop);
  const stratified = permutationPValue(
    prepared,
    stratifiedDraw(prepared, strata, createRng((options.seed ?? 0) + 7919)),
    permutations,
    options.earlyStop,
  );
  return {
    plain: result(prepared, plain, false, options.threshold),
    stratified: result(prepared, stratified, false, options.threshold),
  };
}
