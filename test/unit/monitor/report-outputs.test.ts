import { describe, expect, it } from 'vitest';
import { findingsAsEmf } from '../../../functions/lib/monitor/emf.ts';
import { formatFindingsTable } from '../../../functions/lib/monitor/format-table.ts';
import { usualVolume } from '../../../functions/lib/monitor/history.ts';
import { isReportJsonKey, reportKeys } from '../../../functions/lib/monitor/keys.ts';
import { runMonitor } from '../../../functions/lib/monitor/run.ts';
import type { MonitorReport } from '../../../functions/lib/monitor/types.ts';
import { MODEL, makeWindow } from './make-windows.ts';

const reportOf = (currentSize: number) =>
  runMonitor({
    model: MODEL,
    reference: makeWindow({ n: 100, seed: 1 }),
    referenceKind: 'baseline',
    current: makeWindow({ n: currentSize, seed: 2, idPrefix: 'c' }),
    window: { start: '2026-03-01T00:00:00.000Z', end: '2026-03-02T00:00:00.000Z' },
    now: new Date('2026-03-02T00:00:00.000Z'),
    seed: 1,
    projector: false,
  });
const report = reportOf(20);

describe('report outputs', () => {
  it('prints one table row per finding and the summary', () => {
    const table = formatFindingsTable(report);
    for (const f of report.findings) expect(table).toContain(f.check);
    expect(table).toContain(`worst: ${report.summary.worst}`);
    expect(table.split('\n').find((l) => l.includes('embedding_drift.mmd'))).toMatch(/^insufficient_data/);
  });

  it('logs CloudWatch EMF lines only for findings with data', () => {
    const report = reportOf(60);
    const lines = findingsAsEmf(report, { namespace: 'Vigil', pValue: 'p_value', score: 'score' }).map((l) =>
      JSON.parse(l),
    );
    const judged = report.findings.filter(
      (f) => f.verdict !== 'insufficient_data' && (f.value !== null || f.pValue !== null),
    );
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.map((l) => l.check)).toEqual(judged.map((f) => f.check));
    expect(lines[0]._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Vigil',
      Dimensions: [['model', 'version', 'check']],
    });
    expect(lines[0]._aws.Timestamp).toBe(Date.parse('2026-03-02T00:00:00.000Z'));
  });

  it('names report files by window end so they sort in time order', () => {
    const k = reportKeys('m', '1', '2026-03-02T00:00:00.000Z');
    expect(k.json).toBe('reports/model=m/version=1/2026-03-02T00-00-00.000Z.json');
    expect(isReportJsonKey(k.json)).toBe(true);
    expect(isReportJsonKey(k.latestHtml)).toBe(false);
  });

  it('takes the usual volume as the median of the latest same-length windows', () => {
    const past = (hours: number, n: number) =>
      ({
        window: {
          start: '2026-03-01T00:00:00.000Z',
          end: new Date(Date.parse('2026-03-01T00:00:00.000Z') + hours * 3_600_000).toISOString(),
        },
        metrics: { 'volume.current': n },
      }) as unknown as MonitorReport;
    expect(usualVolume([past(24, 100), past(1, 5), past(24, 300), past(24, 200)], 24 * 3_600_000)).toBe(200);
    expect(usualVolume([past(1, 5)], 24 * 3_600_000)).toBeNull();
  });
});
