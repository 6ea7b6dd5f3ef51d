/**
 * Domain classifier drift test: can a logistic regression tell reference rows from current rows?
 * Stratified k-fold cross-fitting (seeded) gives every row an out-of-fold score (L2 logistic
 * regression, C = 1, fitted in the row space from one Gram matrix: see fitLogisticGram); the statistic is
 * their ROC AUC (0.5 = indistinguishable). p-value: one-sided Mann-Whitney U normal approximation on
 * the out-of-fold scores (approximate, since fold models differ; no extra permutation cost).
 */
import { type EmbeddingRows, packPair } from './embeddings.ts';
import { StatsInputError } from './errors.ts';
import { gramUpper } from './gram-simd.ts';
import { type FitOptions, fitLogisticGram } from './logistic-regression.ts';
import { createRng, shuffleInPlace } from './rng.ts';
import { aucMannWhitney } from './roc-auc.ts';
import { makeResult, type StatMethodDescriptor, type StatResult } from './types.ts';

export const domainClassifierDescriptor: StatMethodDescriptor = {
  name: 'domain_classifier',
  title: 'Domain classifier ROC AUC',
  kind: 'p_value',
  direction: 'low_is_drift',
  dataTypes: ['embedding'],
  defaultThreshold: 0.05,
};

export interface DomainClassifierOptions extends FitOptions {
  threshold?: number;
  folds?: number;
  seed?: number;
}

export interface DomainClassifierResult extends StatResult {
  /** Cross-fitted ROC AUC (same as `statistic`). */
  auc: number;
  folds: number;
}

function standardiseInPlace(x: Float64Array, rows: number, dim: number): void {
  for (let k = 0; k < dim; k++) {
    let mean = 0;
    let sq = 0;
    for (let i = 0; i < rows; i++) {
      const v = x[i * dim + k];
      mean += v;
      sq += v * v;
    }
    mean /= rows;
    const variance = sq / rows - mean * mean;
    const scale = variance > 1e-12 ? 1 / Math.sqrt(variance) : 0; // a constant feature carries no signal
    for (let i = 0; i < rows; i++) x[i * dim + k] = (x[i * dim + k] - mean) * scale;
  }
}

export function domainClassifierTest(
  reference: EmbeddingRows,
  current: EmbeddingRows,
  options: DomainClassifierOptions = {},
): DomainClassifierResult {
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2)
    throw new StatsInputError('INVALID_OPTION', 'folds must be >= 2');
  const [ref, cur] = packPair(reference, current);
  if (ref.rows < folds || cur.rows < folds) {
    throw new StatsInputError('INSUFFICIENT_SAMPLES', `each window needs at least ${folds} rows`);
  }
  const dim = ref.dim;
  const total = ref.rows + cur.rows;
  const x = new Float64Array(total * dim);
  x.set(ref.data);
  x.set(cur.data, ref.rows * dim);
  const labels = new Uint8Array(total).fill(1, ref.rows);
  // Stratified folds: shuffle each class with the seeded RNG, then deal round-robin.
  const rng = createRng(options.seed ?? 0);
  const fold = new Int32Array(total);
  const refOrder = shuffleInPlace(
    rng,
    Int32Array.from({ length: ref.rows }, (_, i) => i),
  );
  const curOrder = shuffleInPlace(
    rng,
    Int32Array.from({ length: cur.rows }, (_, i) => ref.rows + i),
  );
  refOrder.forEach((row, i) => {
    fold[row] = i % folds;
  });
  curOrder.forEach((row, i) => {
    fold[row] = i % folds;
  });
  // Standardise once over both windows (features only, no labels: nothing leaks across folds), then
  // one SIMD Gram matrix serves every fold's fit in the row space.
  standardiseInPlace(x, total, dim);
  const gram = gramUpper(x, total, dim);
  const at = (i: number, j: number) => (i <= j ? gram[i * total + j] : gram[j * total + i]);
  const scores = new Float64Array(total);
  for (let f = 0; f < folds; f++) {
    const train = Int32Array.from({ length: total }, (_, i) => i).filter((i) => fold[i] !== f);
    const { beta, intercept } = fitLogisticGram(gram, total, labels, train, options);
    for (let i = 0; i < total; i++) {
      if (fold[i] !== f) continue;
      let s = intercept;
      for (let k = 0; k < train.length; k++) s += beta[k] * at(train[k], i);
      scores[i] = s;
    }
  }
  const { auc, pValue } = aucMannWhitney(scores, labels);
  const result = makeResult(domainClassifierDescriptor, {
    statistic: auc,
    pValue,
    threshold: options.threshold,
    referenceSize: ref.rows,
    currentSize: cur.rows,
  });
  return { ...result, auc, folds };
}
