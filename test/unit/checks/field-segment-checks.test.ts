import { describe, expect, it } from 'vitest';
import { fieldDriftChecks, OTHER, pooledCategoryCounts } from '../../../functions/lib/checks/field-drift.ts';
import { segmentWindow, topValues } from '../../../functions/lib/checks/segments.ts';
import type { FieldSpec } from '../../../functions/lib/models/model-version.ts';
import { resolveMonitorConfig } from '../../../functions/lib/monitor/config.ts';
import { runMonitor } from '../../../functions/lib/monitor/run.ts';
import { type WindowRow, windowFromRows } from '../../../functions/lib/monitor/window.ts';
import { normalSf } from '../../../functions/lib/stats/distributions.ts';
import { makeRows } from '../monitor/make-windows.ts';
import { ctxOf } from './ctx.ts';

const FIELDS: FieldSpec[] = [
  { name: 'language', type: 'string', segment: true },
  { name: 'premium', type: 'boolean', segment: false },
  { name: 'length', type: 'number', segment: false },
];
const OPTIONS = { fields: ['language', 'premium', 'length'], segmentFields: ['language'] };
const LANGS = ['en', 'de', 'fr'];

/** Rows in three languages; `shiftDe` moves only the German embeddings (and makes them mostly POSITIVE). */
function rows(seed: number, n: number, shiftDe: number, prefix: string, premiumEvery = 2): WindowRow[] {
  const base = makeRows({ n, dim: 16, seed, idPrefix: prefix });
  const shifted = makeRows({
    n,
    dim: 16,
    seed: seed + 1,
    idPrefix: prefix,
    shift: shiftDe,
    shiftDims: 8,
    positiveShare: shiftDe > 0 ? 0.9 : 0.5,
  });
  return base.map((r, i) => {
    const language = LANGS[i % 3];
    return {
      ...(language === 'de' ? { ...shifted[i], id: r.id } : r),
      fields: { language, premium: i % premiumEvery === 0, length: 10 + (i % 7) },
    };
  });
}

/** One run over two windows with the declared fields, the projector off and `config` on top of the defaults. */
function runOn(
  reference: ReturnType<typeof windowFromRows>,
  current: ReturnType<typeof windowFromRows>,
  config: Parameters<typeof resolveMonitorConfig>[0],
  actuals?: Map<string, string>,
) {
  return runMonitor({
    model: { name: 'reviews', version: '3', labels: ['NEGATIVE', 'POSITIVE'] },
    reference,
    referenceKind: 'baseline',
    current,
    actuals,
    window: { start: '2026-12-01T00:00:00Z', end: '2026-12-02T00:00:00Z' },
    now: new Date('2026-12-02T00:00:00Z'),
    seed: 0,
    config: resolveMonitorConfig({ projectorMaxPoints: 100, ...config }),
    fields: FIELDS,
    projector: false,
  });
}

describe('field drift checks', () => {
  it('pools categories seen fewer than 5 times into (other)', () => {
    const ref = [...Array(10).fill('en'), ...Array(6).fill('de'), 'xx', 'yy'];
    const cur = [...Array(8).fill('en'), ...Array(2).fill('de'), 'zz'];
    expect(pooledCategoryCounts(ref, cur)).toEqual({
      categories: ['en', 'de', OTHER],
      reference: [10, 6, 2],
      current: [8, 2, 1],
    });
  });

  it('tests a boolean field with the two-proportion z-test (its statistic is z squared)', () => {
    const reference = windowFromRows(rows(1, 300, 0, 'r', 2), 500, 1, OPTIONS);
    const current = windowFromRows(rows(2, 300, 0, 'c', 4), 500, 2, OPTIONS);
    const ctx = { ...ctxOf(reference, current), fields: FIELDS };
    const premium = fieldDriftChecks(ctx).find((f) => f.check === 'field_drift.boolean[premium]');
    // Textbook pooled two-proportion z: p1 = 150/300, p2 = 75/300.
    const p1 = 150 / 300;
    const p2 = 75 / 300;
    const pooled = (150 + 75) / 600;
    const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (2 / 300));
    expect(premium?.value).toBeCloseTo(z * z, 9);
    expect(premium?.pValue).toBeCloseTo(2 * normalSf(Math.abs(z)), 12);
    expect(premium?.pValue).toBeLessThan(1e-6);
  });

  it('finds no drift in unchanged string and number fields', () => {
    const reference = windowFromRows(rows(1, 300, 0, 'r'), 500, 1, OPTIONS);
    const current = windowFromRows(rows(2, 300, 0, 'c'), 500, 2, OPTIONS);
    const byCheck = new Map(
      fieldDriftChecks({ ...ctxOf(reference, current), fields: FIELDS }).map((f) => [f.check, f]),
    );
    expect(byCheck.get('field_drift.string[language]')?.pValue).toBeGreaterThan(0.5);
    expect(byCheck.get('field_drift.number[length]')?.pValue).toBeGreaterThan(0.5);
  });
});

describe('segment checks', () => {
  it("splits a window by a segment value, with that segment's own embedding sample", () => {
    const w = windowFromRows(rows(1, 90, 0, 'r'), 10, 1, OPTIONS);
    const de = segmentWindow(w, 'language', 'de');
    expect(de.size).toBe(30);
    expect(new Set(de.fields.language)).toEqual(new Set(['de']));
    // The whole window keeps 10 embeddings; the German segment keeps its own 10.
    expect(w.sample.rows).toBe(10);
    expect(de.sample.rows).toBe(10);
    for (const row of de.sample.index) expect(de.fields.language[row]).toBe('de');
    expect(topValues(w, 'language', 2).map((v) => v.value)).toEqual(['de', 'en']);
  });

  it('alerts on exactly the shifted segment, named in the check id, after the run-wide BH correction', () => {
    const reference = windowFromRows(rows(1, 600, 0, 'r'), 1000, 1, OPTIONS);
    const current = windowFromRows(rows(2, 600, 1.5, 'c'), 1000, 2, OPTIONS);
    const report = runOn(reference, current, { embedding: { permutations: 1000 } });
    const verdict = (check: string) => report.findings.find((f) => f.check === check)?.verdict;
    expect(verdict('embedding_drift.mmd[language=de]')).not.toBe('ok');
    expect(verdict('prediction_drift.label_chi_square[language=de]')).toBe('alert');
    const bad = report.findings.filter((f) => f.check.includes('[language=') && f.verdict !== 'ok');
    expect(bad.length).toBeGreaterThan(0);
    for (const f of bad) expect(f.check).toContain('[language=de]');
    expect(verdict('embedding_drift.mmd[language=en]')).toBe('ok');
    expect(verdict('embedding_drift.mmd[language=fr]')).toBe('ok');
    const de = report.findings.find((f) => f.check === 'embedding_drift.mmd[language=de]');
    expect(de?.title).toContain('[language=de]');
    expect(de?.details?.segment).toEqual({ field: 'language', value: 'de' });
    expect(de?.pValueAdjusted).not.toBeNull();
    expect(verdict('field_drift.string[language]')).toBe('ok');
  });

  it('omits score and token checks for a model that sends neither, instead of calling them ok', () => {
    const strip = (r: WindowRow): WindowRow => ({
      ...r,
      score: null,
      truncated: null,
      unknown_token_ratio: null,
    });
    const reference = windowFromRows(rows(1, 200, 0, 'r').map(strip), 500, 1, OPTIONS);
    const current = windowFromRows(rows(2, 200, 0, 'c').map(strip), 500, 2, OPTIONS);
    const report = runOn(reference, current, { embedding: { permutations: 100 } });
    const checks = report.findings.map((f) => f.check);
    for (const gone of [
      'prediction_drift.score_ks',
      'prediction_drift.score_wasserstein',
      'performance.estimated_accuracy',
      'integrity.truncation',
      'integrity.unknown_tokens',
    ])
      expect(checks).not.toContain(gone);
    expect(checks).toContain('prediction_drift.label_chi_square');
    expect(checks).toContain('integrity.empty_text');
  });

  it("follows the model version's settings: a switched-off check is gone, a moved threshold applies", () => {
    const reference = windowFromRows(rows(1, 300, 0, 'r'), 500, 1, OPTIONS);
    const current = windowFromRows(rows(2, 300, 0, 'c'), 500, 2, OPTIONS);
    const report = runOn(reference, current, {
      embedding: { permutations: 100 },
      checks: {
        'embedding_drift.domain_classifier': { enabled: false },
        'embedding_drift.mmd': { warning: 0.2, alert: 0.1 },
      },
    });
    const checks = report.findings.map((f) => f.check);
    expect(checks).not.toContain('embedding_drift.domain_classifier');
    const mmd = report.findings.find((f) => f.check === 'embedding_drift.mmd');
    const segment = report.findings.find((f) => f.check === 'embedding_drift.mmd[language=en]');
    expect(mmd?.thresholds).toEqual({ warning: 0.2, alert: 0.1 });
    expect(segment?.thresholds).toEqual({ warning: 0.2, alert: 0.1 });
  });
});

describe('the check catalog of monitors as code', () => {
  it('names every check a run can produce, so each can be configured (and validated) as code', async () => {
    const { CHECK_CATALOG } = await import('../../../functions/lib/models/monitors.ts');
    const { baseCheckId } = await import('../../../functions/lib/monitor/run.ts');
    const reference = windowFromRows(rows(1, 300, 0, 'r'), 500, 1, OPTIONS);
    const current = windowFromRows(rows(2, 300, 1, 'c'), 500, 2, OPTIONS);
    const actuals = new Map([...current.id].map((id, i) => [id, current.label.get((i + 1) % current.size)]));
    const report = runOn(reference, current, { embedding: { permutations: 100 } }, actuals);
    const missing = [...new Set(report.findings.map((f) => baseCheckId(f.check)))].filter(
      (id) => !(id in CHECK_CATALOG),
    );
    expect(missing).toEqual([]);
    expect(report.findings.length).toBeGreaterThan(20);
  });
});
