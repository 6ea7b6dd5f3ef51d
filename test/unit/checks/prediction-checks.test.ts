import { describe, expect, it } from 'vitest';
import { judge } from '../../../functions/lib/checks/finding.ts';
import { predictionLabelChecks } from '../../../functions/lib/checks/prediction-labels.ts';
import { predictionScoreChecks } from '../../../functions/lib/checks/prediction-scores.ts';
import { windowFromRows } from '../../../functions/lib/monitor/window.ts';
import { chiSquareTest } from '../../../functions/lib/stats/chi-square.ts';
import { makeRows, makeWindow } from '../monitor/make-windows.ts';
import { ctxOf } from './ctx.ts';

describe('prediction drift of label shares', () => {
  it('alerts on a 50/50 -> 80/20 shift at n = 500 and gives the shares', () => {
    const ref = makeWindow({ n: 500, seed: 1, positiveShare: 0.5 });
    const cur = makeWindow({ n: 500, seed: 2, positiveShare: 0.8, idPrefix: 'c' });
    const [chi, js] = predictionLabelChecks(ctxOf(ref, cur));
    expect(chi.pValue).toBeCloseTo(chiSquareTest([250, 250], [100, 400]).pValue as number, 15);
    expect(judge(chi, chi.pValue)).toBe('alert');
    expect(chi.details).toMatchObject({ currentShares: { POSITIVE: 0.8, NEGATIVE: 0.2 } });
    expect(js.value).toBeGreaterThan(0.1);
    expect(judge(js, null)).toBe('warning');
  });

  it('counts labels the model does not declare instead of dropping them', () => {
    const ref = makeWindow({ n: 100, seed: 1 });
    const rows = makeRows({ n: 100, seed: 2, idPrefix: 'c' });
    rows[0].label = 'UNKNOWN';
    const cur = windowFromRows(rows, 1000, 9);
    const [chi] = predictionLabelChecks(ctxOf(ref, cur));
    expect((chi.details as { labels: string[] }).labels).toEqual(['NEGATIVE', 'POSITIVE', 'UNKNOWN']);
  });
});

describe('prediction drift of scores', () => {
  it('alerts when confidence collapses and stays ok otherwise', () => {
    const ref = makeWindow({ n: 300, seed: 1 });
    const low = makeWindow({ n: 300, seed: 2, score: (_i, u) => 0.5 + u * 0.1, idPrefix: 'c' });
    const [ks, w] = predictionScoreChecks(ctxOf(ref, low));
    expect(judge(ks, ks.pValue)).toBe('alert');
    expect(judge(w, null)).toBe('warning');
    const [ksSame] = predictionScoreChecks(ctxOf(ref, makeWindow({ n: 300, seed: 3, idPrefix: 'c' })));
    expect(ksSame.pValue).toBeGreaterThan(0.01);
  });
});
