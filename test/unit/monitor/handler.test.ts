import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../functions/adapters/local-store.ts';
import { readMonitorFunctionConfig } from '../../../functions/config.ts';
import type { AlertNotification } from '../../../functions/lib/alerts/types.ts';
import { baselineKey } from '../../../functions/lib/monitor/keys.ts';
import { encodePredictions } from '../../../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../../../functions/lib/records/schema.ts';
import type { RecordStore } from '../../../functions/lib/records/store.ts';
import { MonitorRunFailedError, makeHandler } from '../../../functions/monitor/make-handler.ts';
import { MODEL, makeRows } from './make-windows.ts';

const EVENT_TIME = '2026-03-02T00:00:00Z';
let dir: string;
let store: RecordStore;

function records(seed: number, n: number, startMs: number, shift = 0): PredictionRecord[] {
  return makeRows({ n, seed, shift, shiftDims: 4, idPrefix: `s${seed}` }).map((r, i) => ({
    id: r.id,
    timestamp: new Date(startMs + i * 60_000),
    model_name: MODEL.name,
    model_version: MODEL.version,
    text: r.text,
    text_sha256: r.text_sha256,
    text_chars: r.text_chars,
    token_count: 5,
    truncated: false,
    unknown_token_ratio: 0,
    label: r.label,
    score: r.score,
    probabilities: [1 - (r.score ?? 0), r.score ?? 0],
    embedding: Array.from(r.embedding),
    latency_ms: 1,
    request_id: 'r',
  }));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-monitor-handler-'));
  store = createLocalStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('monitor handler', () => {
  it("uses a model version's monitors.window over the deployment's default window", async () => {
    // Prepare: a declared version whose monitors set a 6-hour window; the deployment says 24 hours.
    const { declareModelVersion } = await import('../../../functions/lib/models/registry.ts');
    const { parseModelVersion } = await import('../../../functions/lib/models/model-version.ts');
    await declareModelVersion(
      store,
      parseModelVersion(
        { labels: MODEL.labels, embedding_dim: 16, monitors: { window: '6h' } },
        { name: MODEL.name, version: MODEL.version, now: new Date(0) },
      ),
    );
    await store.putObject(baselineKey(MODEL.name, MODEL.version), encodePredictions(records(1, 60, 0)));
    await store.putPredictions(records(3, 40, Date.parse(EVENT_TIME) - 3_600_000));
    const handler = makeHandler({
      store,
      now: () => new Date(EVENT_TIME),
      notifiers: [],
      reportAssets: async () => ({ echartsJs: '' }),
      windowMs: 24 * 3_600_000,
      log: () => undefined,
    });
    // Act
    const out = await handler({ time: EVENT_TIME });
    // Assess
    const report = JSON.parse(
      new TextDecoder().decode((await store.getObject(out.runs[0].report as string)) ?? new Uint8Array()),
    );
    expect(report.window).toEqual({ start: '2026-03-01T18:00:00.000Z', end: '2026-03-02T00:00:00.000Z' });
  });

  it('compacts the closed hours of the log before checking, and the window still sees every record', async () => {
    // Prepare: 120 records written as 12 requests (part files) in one closed hour.
    await store.putObject(baselineKey(MODEL.name, MODEL.version), encodePredictions(records(1, 150, 0)));
    const rows = records(3, 120, Date.parse(EVENT_TIME) - 5 * 3_600_000).map((r, i) => ({
      ...r,
      timestamp: new Date(Date.parse(EVENT_TIME) - 5 * 3_600_000 + i * 20_000),
    }));
    for (let i = 0; i < 120; i += 10) await store.putPredictions(rows.slice(i, i + 10));
    const hourPrefix = 'predictions/model=test-model/version=1/';
    expect((await store.list(hourPrefix)).length).toBe(12);
    const lines: string[] = [];
    const handler = makeHandler({
      store,
      now: () => new Date(EVENT_TIME),
      notifiers: [],
      reportAssets: async () => ({ echartsJs: '' }),
      compaction: {},
      log: (l) => lines.push(l),
    });
    // Act
    const out = await handler({ time: EVENT_TIME });
    // Assess
    expect((await store.list(hourPrefix)).length).toBe(1);
    expect(lines.map((l) => JSON.parse(l))).toContainEqual({
      event: 'compaction',
      hours: 1,
      parts: 12,
      records: 120,
    });
    const report = JSON.parse(
      new TextDecoder().decode((await store.getObject(out.runs[0].report as string)) ?? new Uint8Array()),
    );
    expect(report.metrics['volume.current']).toBe(120);
  });

  it('checks every model version in the log for the window ending at the scheduled time', async () => {
    // Prepare
    await store.putObject(baselineKey(MODEL.name, MODEL.version), encodePredictions(records(1, 150, 0)));
    await store.putPredictions(records(2, 120, Date.parse(EVENT_TIME) - 10 * 3_600_000, 1));
    const sent: AlertNotification[] = [];
    const lines: string[] = [];
    const handler = makeHandler({
      store,
      now: () => new Date('2030-01-01T00:00:00Z'),
      notifiers: [
        {
          name: 'memo',
          send: async (n) => {
            sent.push(n);
            return { channel: 'memo', ok: true, attempts: 1 };
          },
        },
      ],
      reportAssets: async () => ({ echartsJs: '' }),
      reportUrl: async (key) => `https://example.test/${key}`,
      metricsNamespace: 'Vigil',
      log: (l) => lines.push(l),
    });
    // Act
    const out = await handler({ time: EVENT_TIME });
    // Assess
    expect(out.runs).toEqual([
      {
        model: 'test-model',
        version: '1',
        worst: 'alert',
        report: 'reports/model=test-model/version=1/2026-03-02T00-00-00.000Z.json',
        alerting: 'delivered',
        threads: { projectorLayout: 'this_thread', wordExcess: 'this_thread' },
      },
    ]);
    expect(sent[0].reportUrl).toBe(
      'https://example.test/reports/model=test-model/version=1/2026-03-02T00-00-00.000Z.html',
    );
    const emf = lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l));
    expect(emf.some((m) => m.check === 'embedding_drift.mmd' && typeof m.p_value === 'number')).toBe(true);
  });

  it('tries every model and fails the invocation when one of them failed', async () => {
    await store.putPredictions(records(3, 40, Date.parse(EVENT_TIME) - 3_600_000));
    const handler = makeHandler({
      store,
      now: () => new Date(EVENT_TIME),
      notifiers: [],
      reportAssets: async () => ({ echartsJs: '' }),
      log: () => {},
    });
    const failure = await handler({}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MonitorRunFailedError);
    expect((failure as MonitorRunFailedError).runs[0].error?.code).toBe('BASELINE_NOT_FOUND');
  });
});

describe('readMonitorFunctionConfig', () => {
  it('reads the environment the stack sets, with defaults', () => {
    expect(
      readMonitorFunctionConfig({
        VIGIL_BUCKET: 'b',
        VIGIL_TOPIC_ARN: 'arn:t',
        VIGIL_METRICS_NAMESPACE: 'Vigil',
      }),
    ).toEqual({
      bucket: 'b',
      topicArn: 'arn:t',
      reportUrlTtlSeconds: 43200,
      metricsNamespace: 'Vigil',
      model: undefined,
      windowHours: 24,
      windowLagSeconds: 0,
      compaction: true,
      engine: 'in-process',
      athena: undefined,
    });
    expect(
      readMonitorFunctionConfig({
        VIGIL_BUCKET: 'b',
        VIGIL_MODEL_NAME: 'm',
        VIGIL_MODEL_VERSION: '2',
        VIGIL_MONITOR_WINDOW_HOURS: '6',
      }),
    ).toMatchObject({ model: { name: 'm', version: '2' }, windowHours: 6 });
  });

  it('refuses a missing bucket or a bad number with CONFIG_MISSING', () => {
    expect(() => readMonitorFunctionConfig({})).toThrow(/CONFIG_MISSING: VIGIL_BUCKET/);
    expect(() => readMonitorFunctionConfig({ VIGIL_BUCKET: 'b', VIGIL_MONITOR_WINDOW_HOURS: 'x' })).toThrow(
      /positive number/,
    );
  });
});
