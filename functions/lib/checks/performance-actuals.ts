/**
 * Performance from ground truth: accuracy and macro F1 of the current window's labelled predictions,
 * judged by how far they fell below the reference's (a labelled baseline, else its calibrated confidence);
 * accuracy alerts only when an exact binomial test says the fall is more than sampling noise.
 */
import { binomialTestLess } from '../stats/binomial.ts';
import { expectedCalibrationError } from './calibration-error.ts';
import { classificationMetrics, joinActuals } from './classification-metrics.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient } from './finding.ts';
import { referencePerformance } from './reference-performance.ts';

export function performanceActualsChecks(ctx: CheckContext, labelledCount: number): DraftFinding[] {
  const { current, config } = ctx;
  const min = config.minPerformanceSampleSize;
  const common = {
    group: 'performance' as const,
    method: null,
    thresholds: { ...config.performance.drop },
    direction: 'high_is_drift' as const,
    currentSize: labelledCount,
    minSampleSize: min,
    maxVerdict: 'alert' as const,
  };
  const ref = referencePerformance(ctx);
  const accBase = {
    ...common,
    check: 'performance.accuracy',
    title: 'Accuracy (from actuals)',
    referenceSize: ctx.reference.size,
  };
  if (!ctx.actuals || labelledCount < min || ref === null) return [insufficient(accBase)];
  const j = joinActuals(current.id, current.label, ctx.actuals);
  const m = classificationMetrics(j.predicted, j.actual, ctx.labels);
  // Records without a score (a logged model may send none) have no confidence to calibrate.
  const scored = j.index.map((i, k) => [i, k]).filter(([i]) => !Number.isNaN(current.score[i]));
  const calibration =
    scored.length > 0
      ? expectedCalibrationError(
          scored.map(([i]) => current.score[i]),
          scored.map(([, k]) => j.predicted[k] === j.actual[k]),
          config.performance.calibrationBins,
        )
      : null;
  const details = {
    accuracy: m.accuracy,
    macroF1: m.macroF1,
    referenceAccuracy: ref.accuracy,
    referenceMacroF1: ref.macroF1,
    referenceSource: ref.source,
    perClass: m.perClass,
    confusion: m.confusion,
    calibration,
  };
  // A drop past the threshold alerts only when it is not sampling noise: one-sided exact binomial test
  // of the window's correct count against the reference accuracy.
  const correct = Math.round(m.accuracy * m.labelled);
  const pDrop = binomialTestLess(correct, m.labelled, Math.min(1, Math.max(0, ref.accuracy)));
  const out: DraftFinding[] = [
    {
      ...accBase,
      method: 'binomial_test',
      value: ref.accuracy - m.accuracy,
      pValue: pDrop,
      maxVerdict: pDrop < config.pValue.alert ? 'alert' : 'warning',
      insufficient: false,
      describe: `accuracy ${formatNumber(m.accuracy)} on ${m.labelled} labelled records (reference ${formatNumber(ref.accuracy)})`,
      details,
    },
  ];
  if (ref.macroF1 !== null) {
    out.push({
      ...common,
      check: 'performance.macro_f1',
      title: 'Macro F1 (from actuals)',
      // F1 has no exact test here; it moves with accuracy, so it alerts only when accuracy's fall is significant.
      maxVerdict: pDrop < config.pValue.alert ? 'alert' : 'warning',
      referenceSize: ctx.reference.size,
      value: ref.macroF1 - m.macroF1,
      pValue: null,
      insufficient: false,
      describe: `macro F1 ${formatNumber(m.macroF1)} (reference ${formatNumber(ref.macroF1)})`,
      details: { macroF1: m.macroF1, referenceMacroF1: ref.macroF1 },
    });
  }
  if (calibration)
    out.push({
      ...common,
      check: 'performance.calibration',
      title: 'Calibration (expected calibration error, from actuals)',
      referenceSize: ctx.reference.size,
      thresholds: { ...config.performance.calibrationError },
      // Tracked: a miscalibrated model still classifies; accuracy is the finding that alerts.
      maxVerdict: 'warning',
      value: calibration.ece,
      pValue: null,
      insufficient: false,
      describe: `confidence is off from accuracy by ${formatNumber(calibration.ece)} on average (ECE, ${config.performance.calibrationBins} bins)`,
      details: { bins: calibration.bins },
    });
  return out;
}
