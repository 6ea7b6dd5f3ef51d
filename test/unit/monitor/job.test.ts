import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../functions/adapters/local-store.ts';
import type { Notifier } from '../../../functions/lib/alerts/notifier.ts';
import type { AlertNotification } from '../../../functions/lib/alerts/types.ts';
import { resolveMonitorConfig } from '../../../functions/lib/monitor/config.ts';
import { MonitorJobError, runMonitorJob } from '../../../functions/lib/monitor/job.ts';
import { baselineKey, baselineLabelsKey } from '../../../functions/lib/monitor/keys.ts';
import type { WindowRow } from '../../../functions/lib/monitor/window.ts';
import { encodeActuals, encodePredictions } from '../../../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../../../functions/lib/records/schema.ts';
import type { RecordStore } from '../../../functions/lib/records/store.ts';
import { MODEL, makeRows } from './make-windows.ts';

const NOW = new Date('2026-03-02T00:00:00.000Z');
const HOUR = 3_600_000;
const config = resolveMonitorConfig({ projectorMaxPoints: 100 });

function records(rows: WindowRow[], startMs: number, stepMs: number): PredictionRecord[] {
  return rows.map((r, i) => ({
    id: r.id,
    timestamp: new Date(startMs + i * stepMs),
    model_name: MODEL.name,
    model_version: MODEL.version,
    text: r.text,
    text_sha256: r.text_sha256,
    text_chars: r.text_chars,
    token_count: 10,
    truncated: r.truncated,
    unknown_token_ratio: r.unknown_token_ratio,
    label: r.label,
    score: r.score,
    probabilities:
      r.label === 'POSITIVE' ? [1 - (r.score ?? 0), r.score ?? 0] : [r.score ?? 0, 1 - (r.score ?? 0)],
    embedding: Array.from(r.embedding),
    latency_ms: 3,
    request_id: 'req',
  }));
}

let dir: string;
let store: RecordStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-monitor-job-'));
  store = createLocalStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeBaseline(n = 200, labelled = false) {
  const recs = records(makeRows({ n, seed: 1, idPrefix: 'base' }), 0, 1);
  await store.putObject(baselineKey(MODEL.name, MODEL.version), encodePredictions(recs));
  if (labelled) {
    await store.putObject(
      baselineLabelsKey(MODEL.name, MODEL.version),
      encodeActuals(recs.map((r) => ({ id: r.id, timestamp: r.timestamp, label: r.label }))),
    );
  }
}

/** `n` records spread over the 24 hours before NOW, in batches of 50 (several part files). */
async function writeWindow(n: number, spec: Partial<Parameters<typeof makeRows>[0]> = {}) {
  const recs = records(
    makeRows({ n, seed: 2, idPrefix: 'cur', ...spec }),
    NOW.getTime() - 24 * HOUR,
    (24 * HOUR) / n,
  );
  for (let i = 0; i < recs.length; i += 50) await store.putPredictions(recs.slice(i, i + 50));
  return recs;
}

const read = async (key: string) =>
  JSON.parse(new TextDecoder().decode((await store.getObject(key)) as Uint8Array));

describe('runMonitorJob', () => {
  it('fails with BASELINE_NOT_FOUND when there is no reference', async () => {
    await expect(runMonitorJob({ store, model: MODEL, now: NOW, config })).rejects.toMatchObject({
      code: 'BASELINE_NOT_FOUND',
    });
    await expect(runMonitorJob({ store, model: MODEL, now: NOW, config })).rejects.toBeInstanceOf(
      MonitorJobError,
    );
  });

  it('reads the baseline and the 24-hour window and writes the report JSON and HTML', async () => {
    await writeBaseline();
    await writeWindow(120, { shift: 1, shiftDims: 4 });
    // A record outside the window must not count.
    await store.putPredictions(
      records(makeRows({ n: 1, seed: 9, idPrefix: 'old' }), NOW.getTime() - 30 * HOUR, 1),
    );
    const { report, keys, threads } = await runMonitorJob({
      store,
      model: MODEL,
      now: NOW,
      config,
      reportAssets: { echartsJs: '/* charts */' },
    });
    // 100 points (projectorMaxPoints) and short texts: both on this thread, below the sizes that pay
    // for a worker.
    expect(threads).toEqual({ projectorLayout: 'this_thread', wordExcess: 'this_thread' });
    expect(report.window).toEqual({ start: '2026-03-01T00:00:00.000Z', end: '2026-03-02T00:00:00.000Z' });
    expect(report.reference).toEqual({ kind: 'baseline', size: 200 });
    expect(report.metrics['volume.current']).toBe(120);
    expect(report.findings.find((f) => f.check === 'embedding_drift.mmd')?.verdict).toBe('alert');
    expect(keys.json).toBe('reports/model=test-model/version=1/2026-03-02T00-00-00.000Z.json');
    expect(await read(keys.json)).toEqual(JSON.parse(JSON.stringify(report)));
    const html = new TextDecoder().decode((await store.getObject(keys.html as string)) as Uint8Array);
    expect(html).toContain('<html');
    expect(await store.getObject('reports/model=test-model/version=1/latest.html')).not.toBeNull();
    expect(report.projector?.points.length).toBeGreaterThan(0);
  });

  it('lays a large projector out on a worker thread and says so', async () => {
    await writeBaseline(1500);
    await writeWindow(600);
    const { report, threads } = await runMonitorJob({
      store,
      model: MODEL,
      now: NOW,
      config: resolveMonitorConfig({}),
    });
    expect(threads.projectorLayout).toBe('worker');
    expect(report.projector?.points.length).toBeGreaterThanOrEqual(500);
  });

  it('keeps a larger text sample of the baseline for the new-text tests (novelty.referenceSample)', async () => {
    // Prepare: a baseline of 1,500 records; the window keeps its usual sample (at most 1,000).
    await writeBaseline(1500);
    await writeWindow(120);
    for (const [referenceSample, expected] of [
      [1200, 1200],
      [300, 1000],
    ] as const) {
      // Act
      const { report } = await runMonitorJob({
        store,
        model: MODEL,
        now: NOW,
        config: resolveMonitorConfig({ projectorMaxPoints: 100, novelty: { referenceSample } }),
      });
      // Assess: the word tests read that many reference texts; the window's own sample is unchanged.
      expect(report.characteristicWords?.referenceTexts).toBe(expected);
      expect(report.characteristicWords?.currentTexts).toBe(120);
      expect(report.reference.size).toBe(1500);
    }
  });

  it('learns the usual volume from past reports and alerts when traffic collapses', async () => {
    await writeBaseline();
    await writeWindow(100);
    for (let d = 1; d <= 3; d++) {
      const end = new Date(NOW.getTime() - d * 24 * HOUR);
      const r = {
        schemaVersion: 1,
        window: { start: new Date(end.getTime() - 24 * HOUR).toISOString(), end: end.toISOString() },
        metrics: { 'volume.current': 1000 },
      };
      await store.putObject(
        `reports/model=test-model/version=1/${end.toISOString().replace(/:/g, '-')}.json`,
        JSON.stringify(r),
      );
    }
    const { report } = await runMonitorJob({ store, model: MODEL, now: NOW, config });
    const volume = report.findings.find((f) => f.check === 'integrity.volume');
    expect(volume?.value).toBe(10);
    expect(volume?.verdict).toBe('alert');
    expect(report.metrics['volume.expected']).toBe(1000);
  });

  it('uses a past window as reference, scaling its volume to the window length', async () => {
    await writeWindow(100);
    const older = records(
      makeRows({ n: 80, seed: 3, idPrefix: 'older' }),
      NOW.getTime() - 48 * HOUR,
      (24 * HOUR) / 80,
    );
    await store.putPredictions(older.slice(0, 40));
    await store.putPredictions(older.slice(40));
    const { report } = await runMonitorJob({
      store,
      model: MODEL,
      now: NOW,
      config,
      reference: {
        kind: 'window',
        start: new Date(NOW.getTime() - 48 * HOUR),
        end: new Date(NOW.getTime() - 24 * HOUR),
      },
    });
    expect(report.reference).toEqual({
      kind: 'window',
      size: 80,
      window: { start: '2026-02-28T00:00:00.000Z', end: '2026-03-01T00:00:00.000Z' },
    });
    expect(report.metrics['volume.expected']).toBe(80);
  });

  it('joins actuals posted after the window and a labelled baseline into accuracy findings', async () => {
    await writeBaseline(200, true);
    const recs = await writeWindow(100);
    await store.putActuals(
      recs.map((r, i) => ({
        id: r.id,
        timestamp: new Date(NOW.getTime() + 1000),
        label: i < 60 ? r.label : r.label === 'POSITIVE' ? 'NEGATIVE' : 'POSITIVE',
      })),
      MODEL.name,
    );
    const { report } = await runMonitorJob({
      store,
      model: MODEL,
      now: new Date(NOW.getTime() + 2000),
      config,
    });
    const acc = report.findings.find((f) => f.check === 'performance.accuracy');
    expect(acc?.details).toMatchObject({ referenceAccuracy: 1, referenceSource: 'labels' });
    expect(report.metrics['performance.accuracy']).toBeCloseTo(0.6, 2);
    expect(acc?.verdict).toBe('alert');
  });

  it('counts a part file that does not decode as a schema failure instead of failing the run', async () => {
    await writeBaseline();
    await writeWindow(100);
    const bad =
      'predictions/model=test-model/version=1/date=2026-03-01/hour=05/0190aaaa-0000-7000-8000-000000000000.parquet';
    await writeFile(join(dir, ...bad.split('/')), 'not parquet');
    const { report } = await runMonitorJob({ store, model: MODEL, now: NOW, config });
    const schema = report.findings.find((f) => f.check === 'integrity.schema');
    expect(schema?.details).toMatchObject({ unreadableFiles: 1 });
    expect(schema?.verdict).toBe('alert');
  });

  it('hands the report to alerting when asked, and the notifier sees the alert', async () => {
    await writeBaseline();
    await writeWindow(120, { shift: 1, shiftDims: 4 });
    const sent: AlertNotification[] = [];
    const notifier: Notifier = {
      name: 'test',
      async send(n) {
        sent.push(n);
        return { channel: 'test', ok: true, attempts: 1 };
      },
    };
    const { alerting } = await runMonitorJob({
      store,
      model: MODEL,
      now: NOW,
      config,
      alerting: { notifiers: [notifier] },
    });
    expect(alerting?.status).toBe('delivered');
    expect(sent).toHaveLength(1);
    expect(sent[0].events.some((e) => e.check === 'embedding_drift.mmd')).toBe(true);
    expect(await store.getObject('state/model=test-model/version=1/alerts.json')).not.toBeNull();
  });
});

describe('runMonitorJob reference errors', () => {
  it('refuses a damaged baseline with BASELINE_UNREADABLE instead of comparing with nothing', async () => {
    await store.putObject(baselineKey(MODEL.name, MODEL.version), 'not parquet');
    await expect(runMonitorJob({ store, model: MODEL, now: NOW, config })).rejects.toMatchObject({
      code: 'BASELINE_UNREADABLE',
    });
  });

  it('refuses a reference window that ends before it starts', async () => {
    const reference = { kind: 'window' as const, start: NOW, end: new Date(NOW.getTime() - HOUR) };
    await expect(runMonitorJob({ store, model: MODEL, now: NOW, config, reference })).rejects.toMatchObject({
      code: 'INVALID_WINDOW',
    });
  });
});
