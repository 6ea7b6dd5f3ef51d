/**
 * Centroid distances (tracked over time; warn only). The euclidean one is judged against its expected
 * size with no drift, sqrt(tr(cov) (1/n + 1/m)), so small windows do not warn by sampling noise alone.
 */

import type { MonitorWindow } from '../monitor/window.ts';
import { centroidCosine, centroidEuclidean } from '../stats/centroid.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient } from './finding.ts';

/** Trace of the covariance of a window's embeddings, from its streaming sums. */
export function covarianceTrace(w: MonitorWindow): number {
  if (w.size < 2) return 0;
  let meanSq = 0;
  for (let k = 0; k < w.dim; k++) meanSq += (w.embeddingSum[k] / w.size) ** 2;
  return Math.max(0, ((w.embeddingSquaredNormSum / w.size - meanSq) * w.size) / (w.size - 1));
}

export function embeddingCentroidChecks(ctx: CheckContext): DraftFinding[] {
  const { reference, current, config } = ctx;
  const common = {
    group: 'embedding_drift' as const,
    direction: 'high_is_drift' as const,
    pValue: null,
    referenceSize: reference.size,
    currentSize: current.size,
    minSampleSize: config.minDriftSampleSize,
    maxVerdict: 'warning' as const,
  };
  const euclidBase = {
    ...common,
    check: 'embedding_drift.centroid_euclidean',
    title: 'Embedding centroid distance (euclidean)',
    method: 'centroid_euclidean',
  };
  const cosineBase = {
    ...common,
    check: 'embedding_drift.centroid_cosine',
    title: 'Embedding centroid distance (cosine)',
    method: 'centroid_cosine',
    thresholds: {
      warning: config.embedding.centroidCosineWarning,
      alert: config.embedding.centroidCosineWarning,
    },
  };
  const min = config.minDriftSampleSize;
  if (reference.size < min || current.size < min || reference.dim === 0 || current.dim !== reference.dim) {
    return [insufficient({ ...euclidBase, thresholds: { warning: 0, alert: 0 } }), insufficient(cosineBase)];
  }
  const refSummary = { sum: reference.embeddingSum, count: reference.size };
  const curSummary = { sum: current.embeddingSum, count: current.size };
  const euclid = centroidEuclidean(refSummary, curSummary).statistic;
  const expected = Math.sqrt(covarianceTrace(reference) * (1 / reference.size + 1 / current.size));
  const warn = config.embedding.centroidRatioWarning * expected;
  // A centroid within sampling noise of the origin has no direction worth comparing.
  let refNorm = 0;
  for (let k = 0; k < reference.dim; k++) refNorm += (reference.embeddingSum[k] / reference.size) ** 2;
  const directional = Math.sqrt(refNorm) > 3 * expected;
  const cosine = directional ? centroidCosine(refSummary, curSummary).statistic : null;
  return [
    {
      ...euclidBase,
      value: euclid,
      thresholds: { warning: warn, alert: warn },
      insufficient: false,
      describe: `centroids ${formatNumber(euclid)} apart, ${formatNumber(expected > 0 ? euclid / expected : 0)}x the no-drift size ${formatNumber(expected)}`,
      details: { expectedNoDrift: expected, ratio: expected > 0 ? euclid / expected : null },
    },
    {
      ...cosineBase,
      value: cosine,
      insufficient: cosine === null,
      describe: `cosine distance ${formatNumber(cosine)} between the centroids`,
      details: directional
        ? undefined
        : { reason: 'the reference centroid is too close to the origin to have a direction' },
    },
  ];
}
