/**
 * Compaction over a log with bad parts and concurrent compactors (issue 15, defects 3, 4 and 9): bad
 * parts stay where they are and are reported, good ones are merged, later hours are still compacted,
 * and one compactor at a time owns an hour.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeWithDuckDb } from '../../../functions/adapters/duckdb-merge.ts';
import { createLocalStore } from '../../../functions/adapters/local-store.ts';
import {
  compactClosedHours,
  compactHour,
  type HourMerger,
} from '../../../functions/lib/records/compaction.ts';
import { predictionPartKey, predictionsHourPrefix } from '../../../functions/lib/records/layout.ts';
import { acquireHourLease, hourLeaseKey } from '../../../functions/lib/records/lease.ts';
import { decodePredictionRows } from '../../../functions/lib/records/parquet.ts';
import type { RecordStore } from '../../../functions/lib/records/store.ts';
import { foreignSchemaFile, nullColumnsFile, shortEmbeddingFile, truncatedFile } from './foreign-files.ts';
import { makePredictions } from './make-records.ts';

const MODEL = { name: 'sst2-default', version: '1' };
const hourOf = (h: number) => ({ model: MODEL.name, version: MODEL.version, date: '2026-02-03', hour: h });
const startOf = (h: number) => Date.parse(`2026-02-03T${String(h).padStart(2, '0')}:00:00Z`);
const NOW = new Date('2026-02-04T00:00:00Z');

let dir: string;
let store: RecordStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-compact-faults-'));
  store = createLocalStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `parts` good parts of 5 records in hour `h`; returns their ids. */
async function goodParts(h: number, parts: number, seed = 1): Promise<string[]> {
  const all = makePredictions({ n: parts * 5, startMs: startOf(h) + 1000, stepMs: 500, seed });
  for (let i = 0; i < parts; i++) await store.putPredictions(all.slice(i * 5, (i + 1) * 5));
  return all.map((r) => r.id);
}

async function idsOnDisk(h: number): Promise<string[]> {
  const ids: string[] = [];
  for (const key of await store.list(predictionsHourPrefix(hourOf(h)))) {
    const bytes = await store.getObject(key);
    if (bytes) ids.push(...(await decodePredictionRows(bytes).catch(() => [])).map((r) => r.id));
  }
  return ids;
}

for (const [engine, merge] of [
  ['js', undefined],
  ['duckdb', mergeWithDuckDb],
] as [string, HourMerger | undefined][]) {
  describe(`compaction with the ${engine} engine`, () => {
    it('merges the good parts and leaves each malformed, foreign or unreadable part in place, named', async () => {
      // Prepare
      const ids = await goodParts(3, 4);
      const extra = makePredictions({ n: 3, startMs: startOf(3) + 100, seed: 9 });
      const bad = {
        short: predictionPartKey(hourOf(3), '0190cccc-0000-7000-8000-000000000001'),
        nulls: predictionPartKey(hourOf(3), '0190cccc-0000-7000-8000-000000000002'),
        foreign: predictionPartKey(hourOf(3), '0190cccc-0000-7000-8000-000000000003'),
        truncated: predictionPartKey(hourOf(3), '0190cccc-0000-7000-8000-000000000004'),
      };
      await store.putObject(bad.short, shortEmbeddingFile(extra, 3));
      await store.putObject(bad.nulls, nullColumnsFile(['n1', 'n2'], startOf(3) + 5, MODEL));
      await store.putObject(bad.foreign, foreignSchemaFile());
      await store.putObject(bad.truncated, truncatedFile(extra));

      // Act
      const result = await compactHour(store, hourOf(3), { merge });

      // Assess: one merged file of the good records, the four bad parts untouched and reported.
      expect(result.partsMerged).toBe(4);
      expect(result.records).toBe(ids.length);
      expect(result.left.map((l) => l.key).sort()).toEqual(Object.values(bad).sort());
      for (const l of result.left) expect(l.reason.length).toBeGreaterThan(5);
      expect((await store.list(predictionsHourPrefix(hourOf(3)))).sort()).toEqual(
        [result.key, ...Object.values(bad)].sort(),
      );
      const merged = await decodePredictionRows((await store.getObject(result.key as string)) as Uint8Array);
      expect(merged.map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(merged.every((r) => r.embedding.length === 8 && typeof r.label === 'string')).toBe(true);
    });

    it('compacts the later hours when one hour fails, and reports the failed one', async () => {
      // Prepare: hour 1 fails (its merged file cannot be written), hours 2 and 4 are fine.
      await goodParts(1, 3, 1);
      const two = await goodParts(2, 3, 2);
      const four = await goodParts(4, 2, 4);
      const failing: RecordStore = Object.assign(Object.create(store) as RecordStore, {
        putObject: async (key: string, body: Uint8Array, type?: string) => {
          if (key.includes('hour=01/')) throw new Error('disk full');
          return store.putObject(key, body, type);
        },
      });

      // Act
      const results = await compactClosedHours(failing, { now: NOW, merge });

      // Assess
      const byHour = new Map(results.map((r) => [r.hour.hour, r]));
      expect(byHour.get(1)?.error).toMatch(/disk full/);
      expect(byHour.get(2)).toMatchObject({ partsMerged: 3, records: two.length });
      expect(byHour.get(4)).toMatchObject({ partsMerged: 2, records: four.length });
      expect(await store.list(predictionsHourPrefix(hourOf(1)))).toHaveLength(3);
    });
  });
}

describe('one compactor per hour', () => {
  it('lets two concurrent compactions of one hour leave every record on disk once', async () => {
    // Prepare
    const ids = await goodParts(5, 30);
    // Act: two compactors start together (a manual `vigil compact` beside the scheduled one).
    const [a, b] = await Promise.all([
      compactHour(store, hourOf(5), { now: NOW }),
      compactHour(store, hourOf(5), { now: NOW }),
    ]);
    // Assess: one merged, the other stood aside; no id is on disk twice.
    expect([a.skipped, b.skipped].filter((s) => s === 'leased')).toHaveLength(1);
    expect(a.partsMerged + b.partsMerged).toBe(30);
    const onDisk = await idsOnDisk(5);
    expect(onDisk).toHaveLength(ids.length);
    expect(new Set(onDisk)).toEqual(new Set(ids));
    // The lease is released when the compaction ends.
    expect(await store.getObject(hourLeaseKey(hourOf(5)))).toBeNull();
  });

  it('takes over a lease whose owner died once it has expired, and not before', async () => {
    const hour = hourOf(6);
    const dead = await acquireHourLease(store, hour, { owner: 'dead', nowMs: NOW.getTime(), ttlMs: 60_000 });
    expect(dead).not.toBe('held');
    expect(await acquireHourLease(store, hour, { owner: 'b', nowMs: NOW.getTime() + 59_000 })).toBe('held');
    const taken = await acquireHourLease(store, hour, { owner: 'c', nowMs: NOW.getTime() + 61_000 });
    expect(taken).not.toBe('held');
    // The dead owner's late release must not drop the new owner's lease.
    if (dead !== 'held') await dead.release();
    expect(await store.getObject(hourLeaseKey(hour))).not.toBeNull();
  });
});
