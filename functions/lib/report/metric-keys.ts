/**
 * Names of the `MonitorReport.metrics` the dashboard charts over past runs. The monitoring run writes
 * them under exactly these keys; a missing key or a null value is a gap in the chart, never a zero.
 */

export const REPORT_METRIC_KEYS = {
  /** MMD permutation p-value between reference and current embeddings (raw, not BH-adjusted). */
  embeddingDriftPValue: 'embedding_drift.mmd.p_value',
  /** The MMD² statistic itself. */
  embeddingDriftMmd: 'embedding_drift.mmd.statistic',
  /** Domain-classifier ROC AUC (0.5 = indistinguishable windows). */
  embeddingDomainAuc: 'embedding_drift.domain_classifier.auc',
  /** Cosine distance (1 - cosine similarity) between the window centroids. */
  centroidCosine: 'embedding_drift.centroid_cosine',
  /** Euclidean distance between the window centroids. */
  centroidEuclidean: 'embedding_drift.centroid_euclidean',
  /** Records in the current window. */
  volumeCurrent: 'volume.current',
  /** The usual volume for such a window, when known. */
  volumeExpected: 'volume.expected',
  /** With actuals: accuracy over the current window's labelled records. */
  accuracy: 'performance.accuracy',
  macroF1: 'performance.macro_f1',
  /** Without actuals: the confidence-based (CBPE) accuracy estimate. */
  estimatedAccuracy: 'performance.estimated_accuracy',
  emptyTextRate: 'integrity.empty_text_rate',
  truncationRate: 'integrity.truncation_rate',
  unknownTokenRate: 'integrity.unknown_token_rate',
  duplicateShare: 'integrity.duplicate_share',
  schemaFailureRate: 'integrity.schema_failure_rate',
} as const;

/** Share of the current window predicted as each label: `label_share.<LABEL>`, in [0, 1]. */
export const LABEL_SHARE_PREFIX = 'label_share.';

export function labelShareKey(label: string): string {
  return `${LABEL_SHARE_PREFIX}${label}`;
}

/** Every `integrity.*` key ending in one of these is a rate in [0, 1] and is charted with the rest. */
export const INTEGRITY_PREFIX = 'integrity.';
export const INTEGRITY_RATE_SUFFIXES = ['_rate', '_share'] as const;

/** Every `performance.*` key is charted on the accuracy chart (values in [0, 1]). */
export const PERFORMANCE_PREFIX = 'performance.';
