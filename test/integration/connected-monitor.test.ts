/**
 * The scheduled monitor over connected model versions: they are found without being listed, their
 * own source is read, and a run that cannot read it fails with the source's code and sends the
 * operational alert once (deduplicated on the next run), then "resolved" when the source reads again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedSourceFor } from '../../functions/adapters/connected-source.ts';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { loadReportAssets } from '../../functions/adapters/report-assets.ts';
import type { Notifier } from '../../functions/lib/alerts/notifier.ts';
import type { AlertNotification } from '../../functions/lib/alerts/types.ts';
import { parseModelVersion } from '../../functions/lib/models/model-version.ts';
import { declareModelVersion } from '../../functions/lib/models/registry.ts';
import { logWindowSource } from '../../functions/lib/monitor/log-source.ts';
import { validateSourceSpec } from '../../functions/lib/sources/spec.ts';
import { MonitorRunFailedError, makeHandler } from '../../functions/monitor/make-handler.ts';
import { DIM, generateRecords, LABELS } from '../e2e/helpers/connected-records.ts';
import { shapeColumns, writeParquetDataset } from './parquet-shapes.ts';

const NOW = Date.parse('2026-12-02T00:00:00.000Z');
const DAY = 86_400_000;
let root: string;

function recorder(): Notifier & { sent: AlertNotification[] } {
  const sent: AlertNotification[] = [];
  return {
    name: 'test',
    sent,
    async send(n) {
      sent.push(n);
      return { channel: 'test', ok: true, attempts: 1 };
    },
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-connected-monitor-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the scheduled monitor and connected sources', () => {
  it('alerts that it could not read the source, once, and resolves when it can', async () => {
    // Prepare: a connected model whose Parquet directory does not exist yet, and its baseline.
    const dataDir = join(root, 'vigil');
    const dataset = join(root, 'dataset');
    const opts = { embedding: 'list_float', timestamp: 'timestamp_us', layout: 'hive' } as const;
    const store = createLocalStore(dataDir);
    const model = parseModelVersion(
      {
        labels: LABELS,
        embedding_dim: DIM,
        fields: [{ name: 'language', type: 'string', segment: true }],
        source: { type: 'parquet', uri: dataset, layout: 'hive', columns: shapeColumns(opts) },
      },
      { name: 'reviews', version: '2', now: new Date(NOW - 5 * DAY), validateSource: validateSourceSpec },
    );
    await declareModelVersion(store, model);
    const records = [
      ...generateRecords({
        seed: 1,
        count: 300,
        startMs: NOW - 2 * DAY,
        stepMs: 280_000,
        shifted: false,
        idOffset: 1,
      }),
      ...generateRecords({
        seed: 2,
        count: 300,
        startMs: NOW - DAY + 2 * 3_600_000,
        stepMs: 280_000,
        shifted: false,
        idOffset: 10_000,
      }),
    ];
    const baseline = await import('../e2e/helpers/connected-records.ts').then((h) =>
      h.asPredictionRecords(records.slice(0, 300), { name: 'reviews', version: '2' }),
    );
    const { encodePredictions } = await import('../../functions/lib/records/parquet.ts');
    await store.putObject('baselines/model=reviews/version=2/reference.parquet', encodePredictions(baseline));
    const notifier = recorder();
    const lines: string[] = [];
    const handler = makeHandler({
      store,
      now: () => new Date(NOW),
      notifiers: [notifier],
      reportAssets: loadReportAssets,
      // As the Lambda handler is built: a source for Vigil's own log, which a connected version's
      // own source must win over.
      source: (m) => logWindowSource(store, m),
      connectedSource: (m) => connectedSourceFor(m, { env: {} }),
      log: (l) => lines.push(l),
    });
    const at = (ms: number) => ({ time: new Date(ms).toISOString() });

    // Act 1: two scheduled runs an hour apart while the source is missing.
    const failures: unknown[] = [];
    for (const t of [NOW, NOW + 3_600_000]) await handler(at(t)).catch((e) => failures.push(e));

    // Assess 1
    expect(failures).toHaveLength(2);
    const first = failures[0] as MonitorRunFailedError;
    expect(first).toBeInstanceOf(MonitorRunFailedError);
    expect(first.runs).toMatchObject([
      { model: 'reviews', version: '2', error: { code: 'SOURCE_UNAVAILABLE' } },
    ]);
    expect(first.runs[0].error?.message).toContain(dataset);
    expect(notifier.sent).toHaveLength(1);
    expect(notifier.sent[0].severity).toBe('alert');
    expect(notifier.sent[0].events[0].check).toBe('operations.source');
    expect(notifier.sent[0].events[0].finding.message).toContain(
      `could not read its source (parquet ${dataset})`,
    );

    // Act 2: the dataset appears; the next run reads it.
    await writeParquetDataset(records, dataset, opts);
    const ok = await handler(at(NOW + 2 * 3_600_000));

    // Assess 2
    expect(ok.runs).toHaveLength(1);
    expect(ok.runs[0].error).toBeUndefined();
    expect(ok.runs[0].report).toMatch(/^reports\/model=reviews\/version=2\//);
    const resolved = notifier.sent.find((n) => n.severity === 'resolved');
    expect(resolved?.events.map((e) => e.check)).toContain('operations.source');
  }, 180_000);
});
