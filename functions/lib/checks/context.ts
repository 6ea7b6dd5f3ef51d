/** What every check reads: both windows, the model's labels, the run's config and seed. */
import type { FieldSpec } from '../models/model-version.ts';
import type { MonitorConfig } from '../monitor/config.ts';
import type { LabelColumn, MonitorWindow } from '../monitor/window.ts';

export interface CheckContext {
  reference: MonitorWindow;
  current: MonitorWindow;
  /** The model's labels in logit order (id2label); labels seen in the data but not here are appended. */
  labels: string[];
  /** True labels by prediction id for the current window (from /feedback), when any arrived. */
  actuals?: ReadonlyMap<string, string>;
  /** True labels by id for the reference (a labelled baseline), when known. */
  referenceActuals?: ReadonlyMap<string, string>;
  /** Records usually seen in a window this long, when known (history or a past-window reference). */
  expectedVolume?: number | null;
  config: MonitorConfig;
  seed: number;
  /** The model version's declared extra fields (field drift; segments among them). */
  fields?: readonly FieldSpec[];
  /** At most this many values of each segment field get their own checks. @default 10 */
  segmentMaxValues?: number;
}

/** Counts of each of `labels` in a window's label column, in that order. */
export function labelCounts(column: LabelColumn, labels: readonly string[]): number[] {
  const at = new Map(labels.map((l, i) => [l, i]));
  const byCode = new Array<number>(column.values.length).fill(0);
  for (let row = 0; row < column.length; row++) byCode[column.code(row)]++;
  const counts = new Array<number>(labels.length).fill(0);
  column.values.forEach((v, code) => {
    const i = at.get(v);
    if (i !== undefined) counts[i] += byCode[code];
  });
  return counts;
}

/** The model's labels followed by any other label seen in either window, so no record is dropped. */
export function labelUniverse(modelLabels: readonly string[], ...windows: MonitorWindow[]): string[] {
  const out = [...modelLabels];
  const seen = new Set(out);
  for (const w of windows) {
    // The distinct labels in order of first appearance: the order a walk over every row would add them.
    for (const l of w.label.values) {
      if (!seen.has(l)) {
        seen.add(l);
        out.push(l);
      }
    }
  }
  return out;
}
