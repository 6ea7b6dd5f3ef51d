/**
 * A monitoring run over a log that holds foreign, malformed and unreadable files (issue 15, defects
 * 2 and 12): every such file is counted and named, and the run goes on over the good records.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../../functions/adapters/local-store.ts';
import { resolveMonitorConfig } from '../../../functions/lib/monitor/config.ts';
import { runMonitorJob } from '../../../functions/lib/monitor/job.ts';
import { baselineKey } from '../../../functions/lib/monitor/keys.ts';
import type { Finding } from '../../../functions/lib/monitor/types.ts';
import type { WindowRow } from '../../../functions/lib/monitor/window.ts';
import { encodePredictions } from '../../../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../../../functions/lib/records/schema.ts';
import type { RecordStore } from '../../../functions/lib/records/store.ts';
import {
  foreignSchemaFile,
  nullColumnsFile,
  shortEmbeddingFile,
  textTimestampFile,
  truncatedFile,
} from '../records/foreign-files.ts';
import { MODEL, makeRows } from './make-windows.ts';

const NOW = new Date('2026-03-02T00:00:00.000Z');
const HOUR = 3_600_000;
const config = resolveMonitorConfig({ projectorMaxPoints: 50 });
const partKey = (hour: string, id: string) =>
  `predictions/model=test-model/version=1/date=2026-03-01/hour=${hour}/${id}.parquet`;

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
    probabilities: [0.5, 0.5],
    embedding: Array.from(r.embedding),
    latency_ms: 3,
    request_id: 'req',
    fields: null,
    token_ids: null,
  }));
}

let dir: string;
let store: RecordStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-window-faults-'));
  store = createLocalStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeBaseline() {
  const recs = records(makeRows({ n: 200, seed: 1, idPrefix: 'base' }), 0, 1);
  await store.putObject(baselineKey(MODEL.name, MODEL.version), encodePredictions(recs));
}

async function writeWindow(n: number) {
  const recs = records(makeRows({ n, seed: 2, idPrefix: 'cur' }), NOW.getTime() - 24 * HOUR, (24 * HOUR) / n);
  for (let i = 0; i < recs.length; i += 50) await store.putPredictions(recs.slice(i, i + 50));
  return recs;
}

const finding = (findings: Finding[], check: string) => {
  const f = findings.find((x) => x.check === check);
  if (!f) throw new Error(`no ${check} finding`);
  return f;
};

describe('a monitoring run over foreign and malformed files', () => {
  it('counts and names each bad file, keeps every good record, and does not crash', async () => {
    // Prepare: 150 good records, then one file of each kind the probe found.
    await writeBaseline();
    await writeWindow(150);
    const extra = records(makeRows({ n: 4, seed: 3, idPrefix: 'short' }), NOW.getTime() - 5 * HOUR, 10);
    const bad = {
      foreign: partKey('03', '0190aaaa-0000-7000-8000-000000000001'),
      textTimestamp: partKey('04', '0190aaaa-0000-7000-8000-000000000002'),
      nullColumns: partKey('05', '0190aaaa-0000-7000-8000-000000000003'),
      // Sorted first in its hour, so its width would have been the window's under first-row-wins.
      shortEmbedding: partKey('00', '0000aaaa-0000-7000-8000-000000000004'),
      truncated: partKey('06', '0190aaaa-0000-7000-8000-000000000005'),
    };
    await store.putObject(bad.foreign, foreignSchemaFile());
    await store.putObject(bad.textTimestamp, textTimestampFile(['t1', 't2']));
    await store.putObject(
      bad.nullColumns,
      nullColumnsFile(['n1', 'n2', 'n3'], NOW.getTime() - 4 * HOUR, MODEL),
    );
    await store.putObject(bad.shortEmbedding, shortEmbeddingFile(extra, 3));
    await store.putObject(bad.truncated, truncatedFile(extra));

    // Act
    const { report } = await runMonitorJob({ store, model: MODEL, now: NOW, config });

    // Assess: the run went on over exactly the good records.
    expect(report.metrics['volume.current']).toBe(150);
    const schema = finding(report.findings, 'integrity.schema');
    const failures = (schema.details?.failures ?? []) as { key: string; reason: string }[];
    expect(failures.map((f) => f.key).sort()).toEqual(Object.values(bad).sort());
    expect(failures.find((f) => f.key === bad.shortEmbedding)?.reason).toMatch(
      /embedding has 3 values, expected 16/,
    );
    expect(failures.find((f) => f.key === bad.nullColumns)?.reason).toMatch(/label/);
    expect(failures.find((f) => f.key === bad.textTimestamp)?.reason).toMatch(/timestamp/);
    expect(schema.details).toMatchObject({ rejectedRows: 3 + 2 + 3 + 4, failedFiles: 5 });
    expect(schema.verdict).toBe('alert');
    const unreadable = finding(report.findings, 'integrity.unreadable_files');
    expect(unreadable.verdict).toBe('warning');
    expect(unreadable.message).toContain(bad.truncated);
  });

  it('warns and names a single unreadable file even when it is far below the schema threshold', async () => {
    // Prepare: 80 good files and one that is not Parquet; the schema threshold is set above 1/81.
    await writeBaseline();
    await writeWindow(4000);
    const key = partKey('07', '0190bbbb-0000-7000-8000-000000000001');
    await writeFile(join(dir, ...key.split('/')), 'PAR1 not really');
    const { report } = await runMonitorJob({
      store,
      model: MODEL,
      now: NOW,
      config: resolveMonitorConfig({
        projectorMaxPoints: 50,
        integrity: { ...config.integrity, schemaFailure: { warning: 0.05, alert: 0.1 } },
      }),
    });
    // Assess: the rate stays under its (raised) threshold, but the unreadable file is still a warning.
    expect(finding(report.findings, 'integrity.schema').verdict).toBe('ok');
    const unreadable = finding(report.findings, 'integrity.unreadable_files');
    expect(unreadable.verdict).toBe('warning');
    expect(unreadable.value).toBe(1);
    expect(unreadable.message).toContain(key);
  });

  it('refuses a baseline of a foreign schema with BASELINE_UNREADABLE, not a TypeError', async () => {
    await store.putObject(baselineKey(MODEL.name, MODEL.version), foreignSchemaFile());
    await writeWindow(50);
    await expect(runMonitorJob({ store, model: MODEL, now: NOW, config })).rejects.toMatchObject({
      code: 'BASELINE_UNREADABLE',
    });
  });
});
