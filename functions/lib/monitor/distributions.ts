/** The report's histograms: scores over [0, 1], label counts, and text length up to the 99th percentile. */
import { type CheckContext, labelCounts, labelUniverse } from '../checks/context.ts';
import type { Histogram, MonitorReport } from './types.ts';
import { presentValues } from './window.ts';

/** Counts per bin of `edges` (bins + 1 ascending edges); values past either end go to the end bins. */
export function histogram(values: ArrayLike<number>, edges: number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const lo = edges[0];
  const width = (edges[bins] - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const b = width > 0 ? Math.floor((values[i] - lo) / width) : 0;
    counts[Math.min(bins - 1, Math.max(0, b))]++;
  }
  return counts;
}

export function evenEdges(lo: number, hi: number, bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
}

function percentile99(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const all = Float64Array.from([...Array.from(a), ...Array.from(b)]).sort();
  return all.length > 0 ? all[Math.min(all.length - 1, Math.floor(all.length * 0.99))] : 0;
}

function pair(ref: ArrayLike<number>, cur: ArrayLike<number>, edges: number[]): Histogram {
  return { edges, reference: histogram(ref, edges), current: histogram(cur, edges) };
}

export function reportDistributions(ctx: CheckContext): MonitorReport['distributions'] {
  const { reference, current, config } = ctx;
  const bins = config.histogramBins;
  const labels = labelUniverse(ctx.labels, reference, current);
  // NaN marks a record without a score or text (logged models may send neither).
  const refChars = presentValues(reference.textChars);
  const curChars = presentValues(current.textChars);
  const maxChars = Math.max(1, percentile99(refChars, curChars));
  return {
    scores: pair(presentValues(reference.score), presentValues(current.score), evenEdges(0, 1, bins)),
    labels: {
      labels,
      reference: labelCounts(reference.label, labels),
      current: labelCounts(current.label, labels),
    },
    textLength: pair(refChars, curChars, evenEdges(0, Math.ceil(maxChars), bins)),
  };
}
