/**
 * Performance without ground truth: confidence-based performance estimation (CBPE). The expected
 * accuracy is the mean calibrated confidence; calibration is histogram binning fitted on a labelled
 * reference, or the raw confidence when the reference has no labels. Only an estimate, so it warns.
 */
import { joinActuals } from './classification-metrics.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient } from './finding.ts';
import { meanConfidence, referencePerformance } from './reference-performance.ts';

export interface Calibration {
  /** Upper edges of equal-width confidence bins over [0, 1]. */
  bins: number;
  /** P(correct) in each bin. */
  accuracy: number[];
  counts: number[];
}

// Each bin's accuracy is shrunk toward the bin's mean confidence by this many pseudo-records.
const PRIOR_WEIGHT = 2;

const binOf = (score: number, bins: number) => Math.min(bins - 1, Math.max(0, Math.floor(score * bins)));

/** Histogram-binning calibration of confidence against correctness. */
export function fitCalibration(
  scores: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  bins: number,
): Calibration {
  const hits = new Array<number>(bins).fill(0);
  const counts = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  for (let i = 0; i < scores.length; i++) {
    const b = binOf(scores[i], bins);
    counts[b]++;
    confSum[b] += scores[i];
    if (correct[i]) hits[b]++;
  }
  const accuracy = counts.map((c, b) => {
    const prior = c > 0 ? confSum[b] / c : (b + 0.5) / bins;
    return (hits[b] + PRIOR_WEIGHT * prior) / (c + PRIOR_WEIGHT);
  });
  return { bins, accuracy, counts };
}

export function estimatedAccuracy(scores: ArrayLike<number>, calibration: Calibration | null): number {
  if (!calibration) return meanConfidence(scores);
  let s = 0;
  for (let i = 0; i < scores.length; i++) s += calibration.accuracy[binOf(scores[i], calibration.bins)];
  return scores.length > 0 ? s / scores.length : 0;
}

/** Calibration from the reference's labelled rows, or null when it has too few. */
export function referenceCalibration(ctx: CheckContext): Calibration | null {
  const { reference, referenceActuals, config } = ctx;
  if (!referenceActuals || referenceActuals.size === 0) return null;
  const scores: number[] = [];
  const correct: boolean[] = [];
  for (let i = 0; i < reference.size; i++) {
    const truth = referenceActuals.get(reference.id.get(i));
    if (truth === undefined) continue;
    scores.push(reference.score[i]);
    correct.push(truth === reference.label.get(i));
  }
  if (scores.length < config.minPerformanceSampleSize) return null;
  return fitCalibration(scores, correct, config.performance.calibrationBins);
}

export function cbpeCheck(ctx: CheckContext): DraftFinding {
  const { current, config } = ctx;
  const base = {
    check: 'performance.estimated_accuracy',
    group: 'performance' as const,
    title: 'Estimated accuracy (CBPE, no actuals)',
    method: 'cbpe',
    thresholds: { ...config.performance.drop },
    direction: 'high_is_drift' as const,
    referenceSize: ctx.reference.size,
    currentSize: current.size,
    minSampleSize: config.minPerformanceSampleSize,
    maxVerdict: 'warning' as const,
  };
  const ref = referencePerformance(ctx);
  if (current.size < config.minPerformanceSampleSize || ref === null) return insufficient(base);
  const calibration = ref.source === 'labels' ? referenceCalibration(ctx) : null;
  const estimate = estimatedAccuracy(current.score, calibration);
  return {
    ...base,
    value: ref.accuracy - estimate,
    pValue: null,
    insufficient: false,
    describe: `estimated accuracy ${formatNumber(estimate)} from ${calibration ? 'calibrated' : 'raw'} confidence (reference ${formatNumber(ref.accuracy)})`,
    details: {
      estimatedAccuracy: estimate,
      referenceAccuracy: ref.accuracy,
      referenceSource: ref.source,
      calibrated: calibration !== null,
      calibration,
    },
  };
}

/** Labelled records of the current window (0 without actuals). */
export function labelledCount(ctx: CheckContext): number {
  return ctx.actuals ? joinActuals(ctx.current.id, ctx.current.label, ctx.actuals).actual.length : 0;
}
