/**
 * ROC AUC from average ranks (ties count one half), equal to sklearn.metrics.roc_auc_score, and the
 * one-sided Mann-Whitney U normal approximation (tie-corrected variance) for AUC > 0.5.
 */
import { normalSf } from './distributions.ts';
import { assertFiniteSample, assertSameLength, StatsInputError } from './errors.ts';

export interface AucWithRanks {
  auc: number;
  positives: number;
  negatives: number;
  /** Sum over tie groups of t^3 - t, for the variance correction. */
  tieTerm: number;
}

function rankAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): AucWithRanks {
  assertFiniteSample(scores, 'scores');
  assertSameLength(scores, labels, 'ROC AUC');
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]] === scores[order[start]]) end++;
    const avgRank = (start + end + 2) / 2;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    for (let k = start; k <= end; k++) {
      const label = labels[order[k]];
      if (label !== 0 && label !== 1) throw new StatsInputError('INVALID_OPTION', 'labels must be 0 or 1');
      if (label === 1) {
        positives++;
        rankSum += avgRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new StatsInputError('INSUFFICIENT_SAMPLES', 'ROC AUC needs both classes');
  }
  const auc = (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
  return { auc, positives, negatives, tieTerm };
}

/** Area under the ROC curve of `scores` for binary `labels` (1 = positive). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return rankAuc(scores, labels).auc;
}

/** AUC and the one-sided p-value of H0: AUC = 0.5 against AUC > 0.5. */
export function aucMannWhitney(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { auc: number; pValue: number } {
  const { auc, positives: n1, negatives: n0, tieTerm } = rankAuc(scores, labels);
  const n = n1 + n0;
  const u = auc * n1 * n0;
  const variance = ((n1 * n0) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const pValue = variance > 0 ? normalSf((u - (n1 * n0) / 2) / Math.sqrt(variance)) : 1;
  return { auc, pValue };
}
