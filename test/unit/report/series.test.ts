import { describe, expect, it } from 'vitest';
import { REPORT_METRIC_KEYS as K, labelShareKey } from '../../../functions/lib/report/metric-keys.ts';
import { buildTimeSeries, orderRuns } from '../../../functions/lib/report/series.ts';
import { makeReport } from '../../fixtures/report/synthetic.ts';

const day = (d: number) => new Date(Date.UTC(2026, 10, d));

describe('orderRuns', () => {
  it('sorts by window end, keeps the latest run of a window and always the current report', () => {
    const a = makeReport({ end: day(3), drift: 0 });
    const b = makeReport({ end: day(1), drift: 0 });
    const rerun = {
      ...b,
      runAt: '2026-11-02T10:00:00.000Z',
      metrics: { ...b.metrics, [K.volumeCurrent]: 7 },
    };
    const current = makeReport({ end: day(3), drift: 0.9 });
    const runs = orderRuns(current, [a, rerun, b]);
    expect(runs.map((r) => r.window.end)).toEqual([day(1).toISOString(), day(3).toISOString()]);
    expect(runs[0].metrics[K.volumeCurrent]).toBe(7);
    expect(runs[1]).toBe(current);
  });
});

describe('buildTimeSeries', () => {
  const history = [2, 3, 4].map((d) => makeReport({ end: day(d), drift: 0.1 }));
  const current = makeReport({ end: day(5), drift: 0.8 });

  it('aligns every line with the run times and keeps gaps as null', () => {
    const ts = buildTimeSeries(current, history);
    expect(ts.times).toHaveLength(4);
    const perf = ts.charts.find((c) => c.id === 'performance');
    const accuracy = perf?.lines.find((l) => l.key === K.accuracy);
    // Day 3 has no actuals in the fixture (date divisible by 3).
    expect(accuracy?.values[1]).toBeNull();
    expect(accuracy?.values[3]).toBeCloseTo(0.9 - 0.8 / 5, 12);
    for (const c of ts.charts) for (const l of c.lines) expect(l.values).toHaveLength(4);
  });

  it('finds every label share and only integrity rates', () => {
    const withExtra = {
      ...current,
      metrics: { ...current.metrics, [labelShareKey('NEUTRAL')]: 0.1, 'integrity.text_length_ks': 0.3 },
    };
    const ts = buildTimeSeries(withExtra, history);
    const labels = ts.charts.find((c) => c.id === 'label-shares')?.lines.map((l) => l.name);
    expect(labels).toEqual(['NEGATIVE', 'NEUTRAL', 'POSITIVE']);
    const integrity = ts.charts.find((c) => c.id === 'integrity')?.lines.map((l) => l.key);
    expect(integrity).toEqual([K.emptyTextRate, K.truncationRate, K.unknownTokenRate]);
  });

  it('leaves out charts with no values, such as accuracy before any actuals', () => {
    const strip = (r: typeof current) => ({ ...r, metrics: { ...r.metrics, [K.accuracy]: null } });
    const ts = buildTimeSeries(strip(current), history.map(strip));
    expect(ts.charts.map((c) => c.id)).not.toContain('performance');
    expect(ts.charts.map((c) => c.id)).toContain('embedding-p-value');
  });

  it('treats non-finite values as gaps', () => {
    const bad = { ...current, metrics: { ...current.metrics, [K.embeddingDriftPValue]: Number.NaN } };
    const ts = buildTimeSeries(bad, []);
    expect(ts.charts.find((c) => c.id === 'embedding-p-value')).toBeUndefined();
  });
});
