/**
 * Default thresholds, minimum sample sizes and sampling caps of a monitoring run, in one place.
 * p-value checks are judged on the Benjamini-Hochberg adjusted p; distance checks on their own scale.
 */

export interface PValueLevels {
  /** Adjusted p below this is a warning. @default 0.05 */
  warning: number;
  /** Adjusted p below this is an alert. @default 0.01 */
  alert: number;
}

/** Per-check settings from a model version's monitors: switch a check off or move its thresholds. */
export interface CheckSettings {
  enabled?: boolean;
  warning?: number;
  alert?: number;
}

export interface MonitorConfig {
  /** Levels every p-value finding is judged by, after BH correction over the whole run. */
  pValue: PValueLevels;
  /** Below this many records on either side a drift check says `insufficient_data`. @default 30 */
  minDriftSampleSize: number;
  /** Below this many records in the current window integrity rates say `insufficient_data`. @default 30 */
  minIntegritySampleSize: number;
  /** Below this many labelled records performance says `insufficient_data`. @default 30 */
  minPerformanceSampleSize: number;
  embedding: {
    /**
     * MMD (the primary embedding-drift test) runs on a seeded subsample of at most this many per side.
     * 1000 rather than 500 nearly doubles the power against a 20% admixture of new-domain text at about
     * 1.6 s per run instead of 0.4 s (the kernel matrix is quadratic in it). @default 1000
     */
    maxPerSide: number;
    /** Z-score each dimension over both windows pooled before MMD (keeps the test exact). @default true */
    standardize: boolean;
    /**
     * RBF bandwidth as a multiple of the median pairwise distance of the pooled sample; below 1 it
     * resolves local shifts (a new domain) that the plain median heuristic misses. @default 0.5
     */
    bandwidthScale: number;
    /** Permutations of the MMD test; the smallest p it can show is 1 / (permutations + 1). @default 1000 */
    permutations: number;
    /**
     * Besag-Clifford sequential stopping of the MMD permutations: stop after this many permuted
     * statistics reach the observed one (p = h / L, still exact; decisions below (h+1)/(B+1) unchanged). @default 10
     */
    earlyStop: number;
    /** The domain classifier's subsample per side; it warns at most (MMD is the primary test). @default 300 */
    domainClassifierMaxPerSide: number;
    /** Gradient steps per fold of the domain classifier. @default 50 */
    domainClassifierIterations: number;
    /** Centroid distance over its expected no-drift size (sqrt of tr(cov) (1/n + 1/m)) that warns. @default 2 */
    centroidRatioWarning: number;
    /** Cosine distance between the window centroids that warns. @default 0.1 */
    centroidCosineWarning: number;
  };
  prediction: {
    /** Jensen-Shannon distance (base 2) of the label shares that warns (tracked; chi-square alerts). @default 0.1 */
    jensenShannonWarning: number;
    /** Wasserstein distance of the scores, in reference standard deviations, that warns. @default 0.3 */
    wassersteinWarning: number;
  };
  integrity: {
    /** Share of empty texts. @default { warning: 0.01, alert: 0.05 } */
    emptyText: { warning: number; alert: number };
    /** Rise of the truncation rate over the reference's. @default { warning: 0.05, alert: 0.15 } */
    truncationRise: { warning: number; alert: number };
    /** Rise of the mean unknown-token ratio over the reference's. @default { warning: 0.02, alert: 0.05 } */
    unknownTokenRise: { warning: number; alert: number };
    /** Rise of the duplicate share over the reference's. @default { warning: 0.1, alert: 0.3 } */
    duplicateRise: { warning: number; alert: number };
    /** Volume off the expected by this factor either way (current/expected or expected/current). @default { warning: 2, alert: 5 } */
    volumeFactor: { warning: number; alert: number };
    /** Share of part files of the window that could not be read. @default { warning: 0.001, alert: 0.01 } */
    schemaFailure: { warning: number; alert: number };
  };
  performance: {
    /** Fall of accuracy (and macro F1) from the reference's. @default { warning: 0.05, alert: 0.1 } */
    drop: { warning: number; alert: number };
    /** Bins of the confidence calibration (CBPE fit on the reference; ECE on the actuals). @default 10 */
    calibrationBins: number;
    /** Expected calibration error of the labelled current window that warns (tracked). @default { warning: 0.1, alert: 0.2 } */
    calibrationError: { warning: number; alert: number };
  };
  /** Below this many records on either side of a segment its checks say `insufficient_data`. @default 30 */
  minSegmentSampleSize: number;
  /** Per check id (`embedding_drift.mmd`): enabled and thresholds; segment findings follow their check. @default {} */
  checks: Record<string, CheckSettings>;
  /** New text and the words that tell the windows apart (checks/novelty.ts, checks/characteristic-words.ts). */
  novelty: {
    /** Calibration quantile a current record must pass to count as unlike the reference. @default 0.95 */
    tailQuantile: number;
    /** Share of the reference sample that fits word frequencies and neighbours; the rest calibrates. @default 0.5 */
    fitShare: number;
    /** Nearest reference embeddings a record's embedding novelty averages over. @default 10 */
    neighbours: number;
    /** Additive smoothing of the reference's token frequencies. @default 0.5 */
    smoothing: number;
    /** Most novel current records kept in the report. @default 200 */
    maxRecords: number;
    /** Characteristic words listed each way. @default 20 */
    characteristicWords: number;
    /** A word needs this many occurrences over both windows to be listed. @default 3 */
    minWordCount: number;
    /** Typical texts listed for each side. @default 3 */
    examples: number;
    /** Texts in the report are cut to this length. @default 280 */
    maxTextChars: number;
    /** Word-excess test: the largest word z-scores summed. @default 20 */
    wordTop: number;
    /**
     * Reference texts (with tokens and embeddings) the novelty and word tests read: the reference
     * window keeps a sample this large (the current window keeps its usual one). A word seen only in
     * current texts is evidence in proportion to how small the current's share of both samples is, so
     * a reference several times the window makes a 10% admixture of new text visible (issue 13's
     * admixture evaluation, word test: 10% of UCI review sentences is caught in 3 runs of 10 against 872 reference texts, 9 of 10
     * against 4,000; the text-neighbour test needs no large reference and catches it in 9–10 of 10 against 872).
     * @default 5000
     */
    referenceSample: number;
    /** Reference embeddings in each part (fit, calibration) of the embedding novelty's nearest-neighbour search (quadratic; 500 is what a 1,000-row sample gave before). @default 500 */
    embeddingMaxPerPart: number;
    /** Word-excess test: the largest exact tail surprisals summed (the statistic for words only new texts use). @default 5 */
    wordExactTop: number;
    /**
     * Text-neighbour test: nearest texts per text (TF-IDF cosine over shared rare words); a current
     * text counts as clustered with at least this many less one of them current. @default 5
     */
    textNeighbours: number;
    /** Word-excess and text-neighbour tests: most permutations (Besag-Clifford stopping as the MMD's); 5,000 lets it show p = 2e-4, small enough to alert after the run's BH correction on its own. @default 5000 */
    wordPermutations: number;
  };
  /** Points of the embeddings projector (both windows together); also the per-window embedding sample. @default 2000 */
  projectorMaxPoints: number;
  /** Bins of the score and text-length histograms in the report. @default 20 */
  histogramBins: number;
}

export const DEFAULT_MONITOR_CONFIG: MonitorConfig = Object.freeze({
  pValue: { warning: 0.05, alert: 0.01 },
  minDriftSampleSize: 30,
  minIntegritySampleSize: 30,
  minPerformanceSampleSize: 30,
  embedding: {
    maxPerSide: 1000,
    standardize: true,
    bandwidthScale: 0.5,
    permutations: 1000,
    earlyStop: 10,
    domainClassifierMaxPerSide: 300,
    domainClassifierIterations: 50,
    centroidRatioWarning: 2,
    centroidCosineWarning: 0.1,
  },
  prediction: { jensenShannonWarning: 0.1, wassersteinWarning: 0.3 },
  integrity: {
    emptyText: { warning: 0.01, alert: 0.05 },
    truncationRise: { warning: 0.05, alert: 0.15 },
    unknownTokenRise: { warning: 0.02, alert: 0.05 },
    duplicateRise: { warning: 0.1, alert: 0.3 },
    volumeFactor: { warning: 2, alert: 5 },
    schemaFailure: { warning: 0.001, alert: 0.01 },
  },
  performance: {
    drop: { warning: 0.05, alert: 0.1 },
    calibrationBins: 10,
    calibrationError: { warning: 0.1, alert: 0.2 },
  },
  minSegmentSampleSize: 30,
  checks: {},
  novelty: {
    tailQuantile: 0.95,
    fitShare: 0.5,
    neighbours: 10,
    smoothing: 0.5,
    maxRecords: 200,
    characteristicWords: 20,
    minWordCount: 3,
    examples: 3,
    maxTextChars: 280,
    wordTop: 20,
    wordExactTop: 5,
    wordPermutations: 5000,
    textNeighbours: 5,
    referenceSample: 5000,
    embeddingMaxPerPart: 500,
  },
  projectorMaxPoints: 2000,
  histogramBins: 20,
}) as MonitorConfig;

/** Section-wise overrides on top of the defaults. */
export type MonitorConfigOverrides = {
  [K in keyof MonitorConfig]?: MonitorConfig[K] extends object ? Partial<MonitorConfig[K]> : MonitorConfig[K];
};

export function resolveMonitorConfig(overrides: MonitorConfigOverrides = {}): MonitorConfig {
  const out = structuredClone(DEFAULT_MONITOR_CONFIG) as MonitorConfig;
  for (const [k, v] of Object.entries(overrides) as [keyof MonitorConfig, unknown][]) {
    if (v === undefined) continue;
    if (k === 'checks') {
      out.checks = { ...(v as MonitorConfig['checks']) };
      continue;
    }
    const base = out[k];
    (out as unknown as Record<string, unknown>)[k] =
      typeof base === 'object' && base !== null ? { ...base, ...(v as object) } : v;
  }
  return out;
}

/** Embeddings each window keeps as its sample: enough for every sampled test and its half of the projector. */
export function windowSampleCapacity(config: MonitorConfig): number {
  return Math.max(
    config.embedding.maxPerSide,
    config.embedding.domainClassifierMaxPerSide,
    Math.ceil(config.projectorMaxPoints / 2),
  );
}

/** The reference window's sample: the window's, or the novelty tests' larger reference sample. */
export function referenceSampleCapacity(config: MonitorConfig): number {
  return Math.max(windowSampleCapacity(config), config.novelty.referenceSample);
}
