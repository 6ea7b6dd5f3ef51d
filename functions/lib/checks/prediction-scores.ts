/** Prediction drift of the confidence scores: KS (alerts on its adjusted p) and Wasserstein (tracked). */

import { presentValues } from '../monitor/window.ts';
import { ksTest } from '../stats/ks.ts';
import { wassersteinTest } from '../stats/wasserstein.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient } from './finding.ts';

export function predictionScoreChecks(ctx: CheckContext): DraftFinding[] {
  const { reference, current, config } = ctx;
  const common = {
    group: 'prediction_drift' as const,
    referenceSize: reference.size,
    currentSize: current.size,
    minSampleSize: config.minDriftSampleSize,
  };
  const ksBase = {
    ...common,
    check: 'prediction_drift.score_ks',
    title: 'Prediction drift (scores, Kolmogorov-Smirnov)',
    method: 'ks',
    thresholds: { ...config.pValue },
    direction: 'low_is_drift' as const,
    maxVerdict: 'alert' as const,
  };
  const wBase = {
    ...common,
    check: 'prediction_drift.score_wasserstein',
    title: 'Prediction drift (scores, Wasserstein)',
    method: 'wasserstein',
    thresholds: {
      warning: config.prediction.wassersteinWarning,
      alert: config.prediction.wassersteinWarning,
    },
    direction: 'high_is_drift' as const,
    maxVerdict: 'warning' as const,
  };
  const min = config.minDriftSampleSize;
  const ref = presentValues(reference.score);
  const cur = presentValues(current.score);
  if (ref.length < min || cur.length < min) return [insufficient(ksBase), insufficient(wBase)];
  const ks = ksTest(ref, cur);
  const w = wassersteinTest(ref, cur);
  return [
    {
      ...ksBase,
      value: ks.statistic,
      pValue: ks.pValue ?? null,
      insufficient: false,
      describe: `KS statistic ${formatNumber(ks.statistic)}`,
      details: { pValueMethod: ks.pValueMethod },
    },
    {
      ...wBase,
      value: w.statistic,
      pValue: null,
      insufficient: false,
      describe: `Wasserstein distance ${formatNumber(w.distance)} (${formatNumber(w.statistic)} reference standard deviations)`,
      details: { distance: w.distance },
    },
  ];
}
