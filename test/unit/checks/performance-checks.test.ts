import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from '../../../functions/lib/checks/calibration-error.ts';
import { judge } from '../../../functions/lib/checks/finding.ts';
import { performanceActualsChecks } from '../../../functions/lib/checks/performance-actuals.ts';
import {
  cbpeCheck,
  estimatedAccuracy,
  fitCalibration,
  labelledCount,
} from '../../../functions/lib/checks/performance-cbpe.ts';
import { createRng } from '../../../functions/lib/stats/rng.ts';
import { makeWindow } from '../monitor/make-windows.ts';
import { ctxOf } from './ctx.ts';

/** True labels that agree with the prediction for a `share` of the ids. */
function actualsFor(w: ReturnType<typeof makeWindow>, share: number): Map<string, string> {
  return new Map(
    [...w.id].map((id, i) => {
      const right = i % 100 < share * 100;
      const label = w.label.get(i);
      return [id, right ? label : label === 'POSITIVE' ? 'NEGATIVE' : 'POSITIVE'];
    }),
  );
}

describe('performance from actuals', () => {
  const ref = makeWindow({ n: 200, seed: 1 });
  const cur = makeWindow({ n: 200, seed: 2, idPrefix: 'c' });

  it('alerts when accuracy falls 20 points below a labelled reference', () => {
    const ctx = ctxOf(ref, cur, { referenceActuals: actualsFor(ref, 0.9), actuals: actualsFor(cur, 0.7) });
    const [acc, f1] = performanceActualsChecks(ctx, labelledCount(ctx));
    expect(acc.value).toBeCloseTo(0.2, 12);
    expect(acc.details).toMatchObject({ accuracy: 0.7, referenceAccuracy: 0.9, referenceSource: 'labels' });
    expect(judge(acc, null)).toBe('alert');
    expect(f1.check).toBe('performance.macro_f1');
    expect(
      (acc.details as { confusion: { matrix: number[][] } }).confusion.matrix.flat().reduce((a, b) => a + b),
    ).toBe(200);
  });

  it('only warns when a drop past the threshold could be sampling noise (binomial test)', () => {
    // Reference accuracy 0.7; 23 of 40 right (0.575) is 12.5 points lower, p = P(X <= 23 | 40, 0.7) ~ 0.06.
    const small = makeWindow({ n: 40, seed: 3, idPrefix: 's' });
    const truth = new Map(
      [...small.id].map((id, i) => {
        const label = small.label.get(i);
        return [id, i < 23 ? label : label === 'POSITIVE' ? 'NEGATIVE' : 'POSITIVE'];
      }),
    );
    const ctx = ctxOf(ref, small, { referenceActuals: actualsFor(ref, 0.7), actuals: truth });
    const [acc] = performanceActualsChecks(ctx, labelledCount(ctx));
    expect(acc.value).toBeCloseTo(0.125, 12);
    expect(acc.pValue).toBeGreaterThan(0.01);
    expect(acc.pValue).toBeLessThan(0.1);
    expect(judge(acc, null)).toBe('warning');
  });

  it('reports the expected calibration error of the labelled window as a tracked finding', () => {
    const ctx = ctxOf(ref, cur, { referenceActuals: actualsFor(ref, 0.9), actuals: actualsFor(cur, 0.7) });
    const cal = performanceActualsChecks(ctx, labelledCount(ctx)).find(
      (f) => f.check === 'performance.calibration',
    );
    const scores = cur.score;
    const correct = Array.from({ length: cur.size }, (_, i) => i % 100 < 70);
    expect(cal?.value).toBeCloseTo(expectedCalibrationError(scores, correct, 10).ece, 12);
    expect(cal?.maxVerdict).toBe('warning');
  });

  it('says insufficient_data with fewer labelled records than the minimum', () => {
    const few = new Map([...actualsFor(cur, 1)].slice(0, 10));
    const ctx = ctxOf(ref, cur, { actuals: few });
    expect(labelledCount(ctx)).toBe(10);
    expect(performanceActualsChecks(ctx, 10)[0].insufficient).toBe(true);
  });
});

describe('expected calibration error', () => {
  it('matches the definition worked by hand (Guo et al. 2017, eq. 3)', () => {
    // Bins of width 0.1: (0.9,1] holds 0.95, 0.95 (1 of 2 right): 2/6 * |0.5 - 0.95| = 0.15;
    // 0.85 right: 1/6 * 0.15; 0.75 wrong: 1/6 * 0.75; 0.65 right: 1/6 * 0.35; 0.55 wrong: 1/6 * 0.55.
    const r = expectedCalibrationError(
      [0.95, 0.85, 0.75, 0.65, 0.55, 0.95],
      [true, true, false, true, false, false],
    );
    expect(r.ece).toBeCloseTo(0.15 + (0.15 + 0.75 + 0.35 + 0.55) / 6, 12);
    expect(r.bins.map((b) => b.count)).toEqual([1, 1, 1, 1, 2]);
  });

  it('is 0 when accuracy equals confidence in every bin, and puts 0.9 in the (0.8, 0.9] bin', () => {
    const conf = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5];
    const correct = [...Array.from({ length: 9 }, () => true), false, true, false];
    const r = expectedCalibrationError(conf, correct);
    expect(r.ece).toBeCloseTo(0, 12);
    expect(r.bins[1]).toMatchObject({ upper: 0.9, count: 10 });
  });

  it('refuses empty and out-of-range input', () => {
    expect(() => expectedCalibrationError([], [])).toThrow(/at least one/);
    expect(() => expectedCalibrationError([1.2], [true])).toThrow(/\[0, 1\]/);
  });
});

describe('CBPE', () => {
  it('recovers the accuracy of well-calibrated scores', () => {
    const rng = createRng(5);
    const scores = Array.from({ length: 5000 }, () => 0.5 + rng.random() / 2);
    const correct = scores.map((s) => rng.random() < s);
    const observed = correct.filter(Boolean).length / correct.length;
    expect(estimatedAccuracy(scores, null)).toBeCloseTo(observed, 1);
  });

  it('corrects over-confident scores with a calibration fitted on labelled data', () => {
    const rng = createRng(6);
    const scores = Array.from({ length: 5000 }, () => 0.9 + rng.random() * 0.1);
    // The model says ~95% but is right 70% of the time.
    const correct = scores.map(() => rng.random() < 0.7);
    const cal = fitCalibration(scores, correct, 10);
    expect(estimatedAccuracy(scores, null)).toBeGreaterThan(0.9);
    expect(estimatedAccuracy(scores, cal)).toBeGreaterThan(0.67);
    expect(estimatedAccuracy(scores, cal)).toBeLessThan(0.73);
  });

  it('warns (never alerts) when confidence drops, compared with the reference', () => {
    const ref = makeWindow({ n: 200, seed: 7, score: (_i, u) => 0.9 + u * 0.1 });
    const cur = makeWindow({ n: 200, seed: 8, score: (_i, u) => 0.5 + u * 0.2, idPrefix: 'c' });
    const d = cbpeCheck(ctxOf(ref, cur));
    expect(d.value).toBeGreaterThan(0.3);
    expect(judge(d, null)).toBe('warning');
    expect(d.details).toMatchObject({ calibrated: false, referenceSource: 'confidence' });
  });
});
