/**
 * Tail-excess test with a split-conformal threshold: how many current scores exceed the r-th largest
 * of n calibration scores, r = floor(alpha (n + 1)). Under the null (calibration and current scores
 * exchangeable, as when both are scored against one fitted part of the reference) the count K is
 * exactly negative-hypergeometric: K ~ scipy.stats.nhypergeom(M = n + m, n = m, r): the current scores
 * drawn, in descending order of the pooled scores, before the r-th calibration score. Each current
 * score exceeds the threshold with chance r / (n + 1) <= alpha. Ties make K smaller, so the test is
 * conservative, never anti-conservative.
 */
import { logBinomial } from './distributions.ts';
import { assertFiniteSample, StatsInputError } from './errors.ts';

export interface TailExcessResult {
  /** The calibration score the current scores are compared with (exceed = strictly above). */
  threshold: number;
  /** Rank r of the threshold among calibration scores, largest first. */
  rank: number;
  /** Current scores above the threshold. */
  exceed: number;
  currentSize: number;
  calibrationSize: number;
  /** Share of current scores expected above it under the null: r / (n + 1). */
  expectedShare: number;
  /** P(K >= exceed) under the null. */
  pValue: number;
  /** P(K = exceed), for a randomised p-value (pValue - U * pointProbability is exactly uniform). */
  pointProbability: number;
}

/** P(K = k) for K ~ nhypergeom(M = n + m, n = m, r). */
export function negativeHypergeometricLogPmf(
  k: number,
  calibration: number,
  current: number,
  r: number,
): number {
  if (k < 0 || k > current) return Number.NEGATIVE_INFINITY;
  return (
    logBinomial(k + r - 1, k) +
    logBinomial(calibration + current - k - r, current - k) -
    logBinomial(calibration + current, current)
  );
}

/** Upper tail P(K >= k) and P(K = k), summed from the smaller side in log space. */
export function negativeHypergeometricSf(
  k: number,
  calibration: number,
  current: number,
  r: number,
): { sf: number; pmf: number } {
  const logs: number[] = [];
  for (let j = 0; j <= current; j++) logs.push(negativeHypergeometricLogPmf(j, calibration, current, r));
  const max = Math.max(...logs);
  let total = 0;
  let upper = 0;
  for (let j = 0; j <= current; j++) {
    const v = Math.exp(logs[j] - max);
    total += v;
    if (j >= k) upper += v;
  }
  return { sf: Math.min(1, upper / total), pmf: Math.exp(logs[k] - max) / total };
}

/** The conformal tail-excess test of `current` against `calibration` at tail share `alpha`. */
export function tailExcessTest(
  calibration: ArrayLike<number>,
  current: ArrayLike<number>,
  alpha: number,
): TailExcessResult {
  assertFiniteSample(calibration, 'calibration');
  assertFiniteSample(current, 'current');
  if (!(alpha > 0 && alpha < 1)) throw new StatsInputError('INVALID_OPTION', 'alpha must be in (0, 1)');
  const n = calibration.length;
  const m = current.length;
  const r = Math.floor(alpha * (n + 1));
  if (r < 1) {
    throw new StatsInputError(
      'INSUFFICIENT_SAMPLES',
      `a tail share of ${alpha} needs at least ${Math.ceil(1 / alpha - 1)} calibration scores, got ${n}`,
    );
  }
  const sorted = Float64Array.from(calibration).sort();
  const threshold = sorted[n - r];
  let exceed = 0;
  for (let i = 0; i < m; i++) if (current[i] > threshold) exceed++;
  const { sf, pmf } = negativeHypergeometricSf(exceed, n, m, r);
  return {
    threshold,
    rank: r,
    exceed,
    currentSize: m,
    calibrationSize: n,
    expectedShare: r / (n + 1),
    pValue: sf,
    pointProbability: pmf,
  };
}

/** Conformal p-value of one score: (1 + #{calibration >= score}) / (n + 1); small = unlike the reference. */
export function conformalPValue(sortedCalibration: Float64Array, score: number): number {
  const n = sortedCalibration.length;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedCalibration[mid] < score) lo = mid + 1;
    else hi = mid;
  }
  return (1 + n - lo) / (n + 1);
}
