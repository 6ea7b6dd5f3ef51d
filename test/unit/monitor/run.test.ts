import { describe, expect, it } from 'vitest';
import { resolveMonitorConfig } from '../../../functions/lib/monitor/config.ts';
import { runMonitor, runMonitorConcurrently } from '../../../functions/lib/monitor/run.ts';
import type { MonitorReport } from '../../../functions/lib/monitor/types.ts';
import { labelShareKey, REPORT_METRIC_KEYS } from '../../../functions/lib/report/metric-keys.ts';
import { WORKER_MIN_POINTS } from '../../../functions/lib/report/projector-thread.ts';
import { benjaminiHochberg } from '../../../functions/lib/stats/benjamini-hochberg.ts';
import { createRng } from '../../../functions/lib/stats/rng.ts';
import { MODEL, makeWindow } from './make-windows.ts';

// Default permutations (1000): with fewer, the smallest MMD p cannot survive BH below 0.01.
const config = resolveMonitorConfig({ projectorMaxPoints: 200 });

function runInput(
  current: ReturnType<typeof makeWindow>,
  extra: Partial<Parameters<typeof runMonitor>[0]> = {},
): Parameters<typeof runMonitor>[0] {
  return {
    model: MODEL,
    reference: makeWindow({ n: 300, seed: 1, idPrefix: 'ref' }),
    referenceKind: 'baseline',
    current,
    window: { start: '2026-03-01T00:00:00.000Z', end: '2026-03-02T00:00:00.000Z' },
    now: new Date('2026-03-02T00:05:00.000Z'),
    seed: 11,
    config,
    projector: false,
    ...extra,
  };
}

const run = (current: ReturnType<typeof makeWindow>, extra: Partial<Parameters<typeof runMonitor>[0]> = {}) =>
  runMonitor(runInput(current, extra));

const verdictOf = (r: MonitorReport, check: string) => r.findings.find((f) => f.check === check)?.verdict;

describe('runMonitor', () => {
  it('alerts on embedding drift and keeps prediction drift quiet when only the embeddings moved', () => {
    const r = run(makeWindow({ n: 300, seed: 2, shift: 1, shiftDims: 4, idPrefix: 'cur' }));
    expect(verdictOf(r, 'embedding_drift.mmd')).toBe('alert');
    expect(verdictOf(r, 'prediction_drift.label_chi_square')).toBe('ok');
    expect(r.summary.worst).toBe('alert');
    expect(r.summary.counts.alert).toBeGreaterThanOrEqual(1);
    const total = Object.values(r.summary.counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(r.findings.length);
  });

  it('alerts on prediction drift when the label shares move 50/50 -> 80/20', () => {
    const r = run(makeWindow({ n: 500, seed: 3, positiveShare: 0.8, idPrefix: 'cur' }), {
      reference: makeWindow({ n: 500, seed: 4, positiveShare: 0.5, idPrefix: 'ref' }),
    });
    expect(verdictOf(r, 'prediction_drift.label_chi_square')).toBe('alert');
    expect(r.metrics[labelShareKey('POSITIVE')]).toBeCloseTo(0.8, 12);
  });

  it('corrects every p-value of the run together with Benjamini-Hochberg', () => {
    const r = run(makeWindow({ n: 300, seed: 5, shift: 0.3, shiftDims: 4, idPrefix: 'cur' }));
    const tested = r.findings.filter((f) => f.pValue !== null && f.verdict !== 'insufficient_data');
    expect(tested.length).toBeGreaterThanOrEqual(5);
    const expected = benjaminiHochberg(tested.map((f) => f.pValue as number));
    for (const [i, f] of tested.entries()) expect(f.pValueAdjusted).toBeCloseTo(expected[i], 15);
    for (const f of r.findings.filter((x) => x.pValue === null)) expect(f.pValueAdjusted).toBeNull();
  });

  it('writes the headline metrics under the dashboard keys', () => {
    const r = run(makeWindow({ n: 300, seed: 6, idPrefix: 'cur' }), { expectedVolume: 280 });
    for (const key of [
      REPORT_METRIC_KEYS.embeddingDriftPValue,
      REPORT_METRIC_KEYS.embeddingDriftMmd,
      REPORT_METRIC_KEYS.embeddingDomainAuc,
      REPORT_METRIC_KEYS.centroidEuclidean,
      REPORT_METRIC_KEYS.estimatedAccuracy,
      REPORT_METRIC_KEYS.truncationRate,
    ]) {
      expect(typeof r.metrics[key]).toBe('number');
    }
    expect(r.metrics[REPORT_METRIC_KEYS.volumeCurrent]).toBe(300);
    expect(r.metrics[REPORT_METRIC_KEYS.volumeExpected]).toBe(280);
    expect(r.metrics[REPORT_METRIC_KEYS.accuracy]).toBeNull();
    const mmd = r.findings.find((f) => f.check === 'embedding_drift.mmd');
    expect(r.metrics[REPORT_METRIC_KEYS.embeddingDriftPValue]).toBe(mmd?.pValue);
  });

  it('fills the report distributions and, when asked, the projector', () => {
    const r = run(makeWindow({ n: 100, seed: 7, idPrefix: 'cur' }), { projector: true });
    expect(r.distributions.scores.edges).toHaveLength(21);
    expect(r.distributions.scores.current.reduce((a, b) => a + b)).toBe(100);
    expect(r.distributions.labels.labels).toEqual(['NEGATIVE', 'POSITIVE']);
    expect(r.projector?.points.length).toBe(200);
    expect(new Set(r.projector?.points.map((p) => p.window))).toEqual(new Set(['reference', 'current']));
  });

  it('gives the same report, projector included, when the projector is laid out on a worker thread', async () => {
    const current = makeWindow({ n: 300, seed: 9, shift: 0.5, shiftDims: 4, idPrefix: 'cur' });
    // 600 points: enough for a worker (WORKER_MIN_POINTS).
    const input = { ...runInput(current), projector: true, config: { ...config, projectorMaxPoints: 600 } };
    const inThread = runMonitor(input);
    const concurrent = await runMonitorConcurrently(input);
    expect(inThread.projector?.points.length).toBeGreaterThanOrEqual(WORKER_MIN_POINTS);
    expect(JSON.stringify(concurrent)).toBe(JSON.stringify(inThread));
    const without = await runMonitorConcurrently({ ...input, projector: false });
    expect(without.projector).toBeUndefined();
    expect(without.findings).toEqual(inThread.findings);
  });

  it('gives the same report when the word-excess test runs on a worker thread beside the other checks', async () => {
    // Prepare: 60-word texts (words and pairs: ~200,000 tokens over both windows, above
    // WORD_WORKER_MIN_TOKENS), and in the current window 10% of texts with words of their own.
    const words = (seed: number, novelFrom = Number.POSITIVE_INFINITY) => {
      const rng = createRng(seed);
      return (i: number) =>
        Array.from({ length: 60 }, (_, k) =>
          i >= novelFrom && k % 4 === 0
            ? `new${Math.floor(rng.random() * 8)}`
            : `w${Math.floor(400 * rng.random() ** 2)}`,
        ).join(' ');
    };
    const input = runInput(makeWindow({ n: 600, seed: 9, idPrefix: 'cur', text: words(2, 540) }), {
      reference: makeWindow({ n: 1200, seed: 1, idPrefix: 'ref', text: words(1) }),
    });
    // Act
    const where: string[] = [];
    const concurrent = await runMonitorConcurrently(input, { wordExcessDone: (w) => where.push(w) });
    const inThread = runMonitor(input);
    // Assess: the test ran on the worker, found the new words, and the reports are identical.
    expect(where).toEqual(['worker']);
    expect(inThread.findings.find((f) => f.check === 'novelty.word_excess')?.verdict).toBe('alert');
    expect(JSON.stringify(concurrent)).toBe(JSON.stringify(inThread));
  });

  it('does not run the word-excess test a model version switched off', async () => {
    const current = makeWindow({ n: 120, seed: 9, idPrefix: 'cur' });
    const off = resolveMonitorConfig({ checks: { 'novelty.word_excess': { enabled: false } } });
    const where: string[] = [];
    const r = await runMonitorConcurrently(runInput(current, { config: off }), {
      wordExcessDone: (w) => where.push(w),
    });
    expect(where).toEqual([]);
    expect(r.findings.some((f) => f.check === 'novelty.word_excess')).toBe(false);
    expect(r.findings.some((f) => f.check === 'novelty.token_tail')).toBe(true);
    // Switched on (the default), the same run tests it.
    const on = await runMonitorConcurrently(runInput(current), { wordExcessDone: (w) => where.push(w) });
    expect(where).toEqual(['this_thread']);
    expect(on.findings.some((f) => f.check === 'novelty.word_excess')).toBe(true);
  });

  it('drops the text-neighbour test a model version switched off, and keeps the word test', async () => {
    const current = makeWindow({ n: 120, seed: 9, idPrefix: 'cur' });
    const off = resolveMonitorConfig({ checks: { 'novelty.text_neighbours': { enabled: false } } });
    const r = await runMonitorConcurrently(runInput(current, { config: off }));
    expect(r.findings.some((f) => f.check === 'novelty.text_neighbours')).toBe(false);
    expect(r.findings.some((f) => f.check === 'novelty.word_excess')).toBe(true);
    const on = await runMonitorConcurrently(runInput(current));
    const f = on.findings.find((x) => x.check === 'novelty.text_neighbours');
    expect(f?.pValue).toBeGreaterThan(0);
    expect(f?.pValueAdjusted).toBeGreaterThanOrEqual(f?.pValue ?? 1);
  });

  it('reports actual performance instead of the estimate when enough actuals arrived', () => {
    const current = makeWindow({ n: 100, seed: 8, idPrefix: 'cur' });
    const actuals = new Map([...current.id].map((id, i) => [id, current.label.get(i)]));
    const r = run(current, { actuals });
    expect(r.findings.some((f) => f.check === 'performance.accuracy')).toBe(true);
    expect(r.findings.some((f) => f.check === 'performance.estimated_accuracy')).toBe(false);
    expect(r.metrics[REPORT_METRIC_KEYS.accuracy]).toBe(1);
  });

  it('is deterministic for a given seed', () => {
    const a = run(makeWindow({ n: 150, seed: 9, idPrefix: 'cur' }));
    const b = run(makeWindow({ n: 150, seed: 9, idPrefix: 'cur' }));
    expect(a).toEqual(b);
  });
});
