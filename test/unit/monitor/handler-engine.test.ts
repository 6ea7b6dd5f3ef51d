/**
 * The monitor handler's window under Firehose delivery (it ends one buffer interval before the run) and
 * its engine choice (the source the configuration picks reads the window); config parsing of both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../functions/adapters/local-store.ts';
import { readMonitorFunctionConfig } from '../../../functions/config.ts';
import { baselineKey } from '../../../functions/lib/monitor/keys.ts';
import type { WindowRange, WindowSource } from '../../../functions/lib/monitor/source.ts';
import { windowFromRows } from '../../../functions/lib/monitor/window.ts';
import { encodePredictions } from '../../../functions/lib/records/parquet.ts';
import type { RecordStore } from '../../../functions/lib/records/store.ts';
import { makeHandler } from '../../../functions/monitor/make-handler.ts';
import { MODEL, makeRows } from './make-windows.ts';

const EVENT_TIME = '2026-03-02T00:00:00Z';
let dir: string;
let store: RecordStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-monitor-engine-'));
  store = createLocalStore(dir);
  const baseline = makeRows({ n: 50, seed: 1, idPrefix: 'b' }).map((r, i) => ({
    ...r,
    timestamp: new Date(i),
    model_name: MODEL.name,
    model_version: MODEL.version,
    token_count: 5,
    probabilities: [],
    embedding: Array.from(r.embedding),
    latency_ms: 1,
    request_id: 'r',
    fields: null,
    token_ids: null,
  }));
  await store.putObject(baselineKey(MODEL.name, MODEL.version), encodePredictions(baseline));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function recordingSource(ranges: WindowRange[]): WindowSource {
  return {
    describe: 'recording',
    async loadWindow(range, options) {
      ranges.push(range);
      return windowFromRows([], options.capacity, options.seed);
    },
  };
}

describe('monitor handler with Firehose delivery', () => {
  it('ends the window one buffer interval before the scheduled time and reads it from the chosen source', async () => {
    // Prepare
    const ranges: WindowRange[] = [];
    const asked: string[] = [];
    const handler = makeHandler({
      store,
      now: () => new Date(0),
      notifiers: [],
      models: [{ ...MODEL }],
      windowMs: 3_600_000,
      windowLagMs: 300_000,
      source: (m) => {
        asked.push(`${m.name}@${m.version}`);
        return recordingSource(ranges);
      },
      reportAssets: async () => ({ echartsJs: '' }),
      log: () => {},
    });

    // Act
    const { runs } = await handler({ time: EVENT_TIME });

    // Assess
    const end = Date.parse(EVENT_TIME) - 300_000;
    expect(asked).toEqual([`${MODEL.name}@${MODEL.version}`]);
    expect(ranges).toEqual([{ fromMs: end - 3_600_000, toMs: end }]);
    expect(runs[0].report).toContain('2026-03-01T23-55');
  });
});

describe('readMonitorFunctionConfig', () => {
  const base = { VIGIL_BUCKET: 'b' };

  it('defaults to no lag, compaction on and the in-process engine', () => {
    expect(readMonitorFunctionConfig(base)).toMatchObject({
      windowLagSeconds: 0,
      compaction: true,
      engine: 'in-process',
      athena: undefined,
    });
  });

  it('reads the Firehose lag, compaction off and the Athena engine', () => {
    const c = readMonitorFunctionConfig({
      ...base,
      VIGIL_WINDOW_LAG_SECONDS: '300',
      VIGIL_COMPACTION: 'false',
      VIGIL_MONITOR_ENGINE: 'auto',
      VIGIL_ATHENA_WORKGROUP: 'Vigil-monitor',
      VIGIL_GLUE_DATABASE: 'vigil_log',
    });
    expect(c).toMatchObject({
      windowLagSeconds: 300,
      compaction: false,
      engine: 'auto',
      athena: { workgroup: 'Vigil-monitor', database: 'vigil_log' },
    });
  });

  it('refuses an unknown engine, a SQL engine without Athena settings, and a negative lag', () => {
    expect(() => readMonitorFunctionConfig({ ...base, VIGIL_MONITOR_ENGINE: 'spark' })).toThrow(
      /in-process, sql or auto/,
    );
    expect(() => readMonitorFunctionConfig({ ...base, VIGIL_MONITOR_ENGINE: 'sql' })).toThrow(
      /VIGIL_ATHENA_WORKGROUP/,
    );
    expect(() => readMonitorFunctionConfig({ ...base, VIGIL_WINDOW_LAG_SECONDS: '-5' })).toThrow(/>= 0/);
  });
});
