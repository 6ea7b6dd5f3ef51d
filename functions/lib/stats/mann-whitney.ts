/**
 * One-sided Mann-Whitney U test that `y` tends to be larger than `x`, normal approximation with the
 * tie-corrected variance and a continuity correction: scipy.stats.mannwhitneyu(y, x,
 * alternative='greater', method='asymptotic', use_continuity=True).
 */
import { normalSf } from './distributions.ts';
import { assertFiniteSample, StatsInputError } from './errors.ts';

export interface MannWhitneyResult {
  /** U of `y`: pairs (x_i, y_j) with y_j > x_i, ties counting one half. */
  u: number;
  /** U / (n_x n_y): the chance a random `y` exceeds a random `x` (the ROC AUC). */
  auc: number;
  pValue: number;
}

export function mannWhitneyGreater(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitneyResult {
  assertFiniteSample(x, 'x');
  assertFiniteSample(y, 'y');
  const nx = x.length;
  const ny = y.length;
  if (nx === 0 || ny === 0) throw new StatsInputError('EMPTY_INPUT', 'Mann-Whitney needs both samples');
  const n = nx + ny;
  const values = new Float64Array(n);
  values.set(Array.from(x));
  values.set(Array.from(y), nx);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  let rankSumY = 0;
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]] === values[order[start]]) end++;
    const avg = (start + end + 2) / 2;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    for (let k = start; k <= end; k++) if (order[k] >= nx) rankSumY += avg;
    start = end + 1;
  }
  const u = rankSumY - (ny * (ny + 1)) / 2;
  const mean = (nx * ny) / 2;
  const variance = ((nx * ny) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const pValue = variance > 0 ? normalSf((u - mean - 0.5) / Math.sqrt(variance)) : 1;
  return { u, auc: u / (nx * ny), pValue: Math.min(1, pValue) };
}
