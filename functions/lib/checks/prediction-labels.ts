/** Prediction drift of the label shares: chi-square (alerts on its adjusted p) and Jensen-Shannon (tracked). */
import { chiSquareTest } from '../stats/chi-square.ts';
import { jensenShannonDistance } from '../stats/jensen-shannon.ts';
import { type CheckContext, labelCounts, labelUniverse } from './context.ts';
import { type DraftFinding, formatNumber, insufficient } from './finding.ts';

export function predictionLabelChecks(ctx: CheckContext): DraftFinding[] {
  const { reference, current, config } = ctx;
  const labels = labelUniverse(ctx.labels, reference, current);
  const common = {
    group: 'prediction_drift' as const,
    referenceSize: reference.size,
    currentSize: current.size,
    minSampleSize: config.minDriftSampleSize,
  };
  const chiBase = {
    ...common,
    check: 'prediction_drift.label_chi_square',
    title: 'Prediction drift (label shares, chi-square)',
    method: 'chi_square',
    thresholds: { ...config.pValue },
    direction: 'low_is_drift' as const,
    maxVerdict: 'alert' as const,
  };
  const jsBase = {
    ...common,
    check: 'prediction_drift.label_jensen_shannon',
    title: 'Prediction drift (label shares, Jensen-Shannon)',
    method: 'jensen_shannon',
    thresholds: {
      warning: config.prediction.jensenShannonWarning,
      alert: config.prediction.jensenShannonWarning,
    },
    direction: 'high_is_drift' as const,
    maxVerdict: 'warning' as const,
  };
  const min = config.minDriftSampleSize;
  if (reference.size < min || current.size < min) return [insufficient(chiBase), insufficient(jsBase)];
  const ref = labelCounts(reference.label, labels);
  const cur = labelCounts(current.label, labels);
  const share = (c: number[], n: number) => Object.fromEntries(labels.map((l, i) => [l, c[i] / n]));
  const details = {
    labels,
    referenceCounts: ref,
    currentCounts: cur,
    referenceShares: share(ref, reference.size),
    currentShares: share(cur, current.size),
  };
  const chi = chiSquareTest(ref, cur);
  const js = jensenShannonDistance(ref, cur);
  return [
    {
      ...chiBase,
      value: chi.statistic,
      pValue: chi.pValue ?? null,
      insufficient: false,
      describe: `chi-square ${formatNumber(chi.statistic)} on ${chi.dof} degree(s) of freedom`,
      details: { ...details, dof: chi.dof },
    },
    {
      ...jsBase,
      value: js.statistic,
      pValue: null,
      insufficient: false,
      describe: `Jensen-Shannon distance ${formatNumber(js.statistic)} between the label shares`,
      details,
    },
  ];
}
