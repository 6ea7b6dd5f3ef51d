/** What performance the reference had: its accuracy from true labels, else its mean confidence. */
import { presentValues } from '../monitor/window.ts';
import { classificationMetrics, joinActuals } from './classification-metrics.ts';
import type { CheckContext } from './context.ts';

export function meanConfidence(scores: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < scores.length; i++) s += scores[i];
  return scores.length > 0 ? s / scores.length : 0;
}

export interface ReferencePerformance {
  accuracy: number;
  macroF1: number | null;
  source: 'labels' | 'confidence';
}

/** The reference's accuracy from its true labels when enough are known, else its mean confidence. */
export function referencePerformance(ctx: CheckContext): ReferencePerformance | null {
  const { reference, referenceActuals, config } = ctx;
  if (referenceActuals && referenceActuals.size > 0) {
    const j = joinActuals(reference.id, reference.label, referenceActuals);
    if (j.actual.length >= config.minPerformanceSampleSize) {
      const m = classificationMetrics(j.predicted, j.actual, ctx.labels);
      return { accuracy: m.accuracy, macroF1: m.macroF1, source: 'labels' };
    }
  }
  // A model that sends no score has no confidence to stand in for accuracy.
  const scores = presentValues(reference.score);
  if (scores.length < config.minPerformanceSampleSize) return null;
  return { accuracy: meanConfidence(scores), macroF1: null, source: 'confidence' };
}
