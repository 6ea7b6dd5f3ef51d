import { describe, expect, it } from 'vitest';
import { findingsAsEmf } from '../../../functions/lib/monitor/emf.ts';
import { formatFindingsTable } from '../../../functions/lib/monitor/format-table.ts';
import { loadReportHistory, usualVolume } from '../../../functions/lib/monitor/history.ts';
import { isReportJsonKey, reportKeys } from '../../../functions/lib/monitor/keys.ts';
import { runMonitor } from '../../../functions/lib/monitor/run.ts';
import type { MonitorReport } from '../../../functions/lib/monitor/types.ts';
import type { ObjectStore } from '../../../functions/lib/records/store.ts';
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

describe('loadReportHistory', () => {
  it('returns the newest reports before this run, oldest first, without projectors or damaged files', async () => {
    // Prepare: 12 hourly reports, one of them damaged, in an in-memory store.
    const objects = new Map<string, Uint8Array>();
    const store = {
      list: async (prefix: string) => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort(),
      getObject: async (key: string) => objects.get(key) ?? null,
    } as unknown as ObjectStore;
    const keyAt = (h: number) =>
      reportKeys(MODEL.name, MODEL.version, new Date(Date.UTC(2026, 2, 1, h))).json;
    for (let h = 0; h < 12; h++) {
      const body =
        h === 7 ? '{"schemaVersion": 1, "trunc' : JSON.stringify({ ...report, runAt: `hour ${h}` });
      objects.set(keyAt(h), new TextEncoder().encode(body));
    }
    const withProjector = { ...report, projector: { points: [], clusters: [] } };
    objects.set(keyAt(3), new TextEncoder().encode(JSON.stringify({ ...withProjector, runAt: 'hour 3' })));

    // Act: the run at hour 10 reads at most 5 earlier reports.
    const history = await loadReportHistory(
      store,
      reportKeys(MODEL.name, MODEL.version, new Date(0)).prefix,
      keyAt(10),
      5,
    );

    // Assess: hours 5..9, minus the damaged hour 7, in time order.
    expect(history.map((r) => r.runAt)).toEqual(['hour 5', 'hour 6', 'hour 8', 'hour 9']);
    const all = await loadReportHistory(
      store,
      reportKeys(MODEL.name, MODEL.version, new Date(0)).prefix,
      keyAt(10),
    );
    expect(all.find((r) => r.runAt === 'hour 3')?.projector).toBeUndefined();
    expect(all).toHaveLength(9);
  });
});
