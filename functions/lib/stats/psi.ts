/**
 * Population Stability Index: sum over bins of (cur% - ref%) * ln(cur% / ref%).
 * An empty bin's share is replaced by PSI_EPSILON = 1e-4 (as Evidently does) so the log stays finite;
 * shares are not renormalized afterwards. Continuous data is binned on reference quantiles.
 */
import { assertCounts, assertFiniteSample, assertSameLength, StatsInputError } from './errors.ts';
import { makeResult, type StatMethodDescriptor, type StatResult } from './types.ts';

export const PSI_EPSILON = 1e-4;

export const psiDescriptor: StatMethodDescriptor = {
  name: 'psi',
  title: 'Population Stability Index',
  kind: 'distance',
  direction: 'high_is_drift',
  dataTypes: ['numeric', 'categorical'],
  defaultThreshold: 0.1,
};

/** PSI of two count vectors over the same bins. */
export function psiFromCounts(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  options: { threshold?: number } = {},
): StatResult {
  const refTotal = assertCounts(referenceCounts, 'reference counts');
  const curTotal = assertCounts(currentCounts, 'current counts');
  assertSameLength(referenceCounts, currentCounts, 'PSI counts');
  let statistic = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const r = referenceCounts[i] / refTotal || PSI_EPSILON;
    const c = currentCounts[i] / curTotal || PSI_EPSILON;
    statistic += (c - r) * Math.log(c / r);
  }
  return makeResult(psiDescriptor, {
    statistic,
    threshold: options.threshold,
    referenceSize: refTotal,
    currentSize: curTotal,
  });
}

/** numpy.quantile's default (linear) interpolation on sorted values, with numpy's two-sided lerp. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = pos - lo;
  const diff = sorted[hi] - sorted[lo];
  return t >= 0.5 ? sorted[hi] - diff * (1 - t) : sorted[lo] + diff * t;
}

/**
 * Inner bin edges: the distinct reference quantiles at 1/bins, ..., (bins-1)/bins. Bin k holds
 * values v with edges[k-1] <= v < edges[k]; the outer bins are open-ended.
 */
export function quantileBinEdges(reference: ArrayLike<number>, bins: number): number[] {
  const sorted = Float64Array.from(reference).sort();
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = quantileSorted(sorted, i * (1 / bins)); // numpy.linspace's i * step
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  return edges;
}

export function binCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= values[i]) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}

/** PSI of two continuous samples, binned on `bins` reference quantiles (default 10). */
export function psi(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: { threshold?: number; bins?: number } = {},
): StatResult & { edges: number[] } {
  assertFiniteSample(reference, 'reference');
  assertFiniteSample(current, 'current');
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 2)
    throw new StatsInputError('INVALID_OPTION', 'bins must be an integer >= 2');
  const edges = quantileBinEdges(reference, bins);
  const result = psiFromCounts(binCounts(reference, edges), binCounts(current, edges), options);
  return { ...result, edges };
}
