/** Accuracy, macro F1, per-class precision/recall and the confusion matrix of labelled predictions. */
import type { RowColumn } from '../monitor/window.ts';

export interface ClassificationMetrics {
  labelled: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<
    string,
    { precision: number | null; recall: number | null; f1: number | null; support: number }
  >;
  /** Rows are true labels, columns predicted labels, both in `labels` order. */
  confusion: { labels: string[]; matrix: number[][] };
}

/** Pairs of (predicted, actual) for every id of `ids` (a window's column) that has a true label. */
export function joinActuals(
  ids: RowColumn<string>,
  predicted: RowColumn<string>,
  actuals: ReadonlyMap<string, string>,
): { predicted: string[]; actual: string[]; index: number[] } {
  const p: string[] = [];
  const a: string[] = [];
  const index: number[] = [];
  if (actuals.size === 0) return { predicted: p, actual: a, index };
  for (let i = 0; i < ids.length; i++) {
    const truth = actuals.get(ids.get(i));
    if (truth !== undefined) {
      p.push(predicted.get(i));
      a.push(truth);
      index.push(i);
    }
  }
  return { predicted: p, actual: a, index };
}

/** sklearn's conventions: macro F1 averages over labels present in truth or predictions; 0/0 counts as 0 in F1. */
export function classificationMetrics(
  predicted: readonly string[],
  actual: readonly string[],
  modelLabels: readonly string[],
): ClassificationMetrics {
  const labels = [...modelLabels];
  for (const l of [...actual, ...predicted]) if (!labels.includes(l)) labels.push(l);
  const at = new Map(labels.map((l, i) => [l, i]));
  const matrix = labels.map(() => new Array<number>(labels.length).fill(0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    matrix[at.get(actual[i]) as number][at.get(predicted[i]) as number]++;
    if (actual[i] === predicted[i]) correct++;
  }
  const perClass: ClassificationMetrics['perClass'] = {};
  let f1Sum = 0;
  let f1Count = 0;
  labels.forEach((l, k) => {
    const tp = matrix[k][k];
    const support = matrix[k].reduce((s, v) => s + v, 0);
    const predictedK = matrix.reduce((s, row) => s + row[k], 0);
    const precision = predictedK > 0 ? tp / predictedK : null;
    const recall = support > 0 ? tp / support : null;
    const f1 = support + predictedK > 0 ? (2 * tp) / (support + predictedK) : null;
    perClass[l] = { precision, recall, f1, support };
    if (f1 !== null) {
      f1Sum += f1;
      f1Count++;
    }
  });
  return {
    labelled: actual.length,
    accuracy: actual.length > 0 ? correct / actual.length : 0,
    macroF1: f1Count > 0 ? f1Sum / f1Count : 0,
    perClass,
    confusion: { labels, matrix },
  };
}
