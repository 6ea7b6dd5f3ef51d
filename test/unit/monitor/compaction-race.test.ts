/**
 * A monitoring read that overlaps a compaction of the same hour (issue 15, defect 1): the run must
 * count every record exactly once however the compaction interleaves, or say that it did not.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeWithDuckDb } from '../../../functions/adapters/duckdb-merge.ts';
import { createLocalStore } from '../../../functions/adapters/local-store.ts';
import { accumulateWindow } from '../../../functions/lib/monitor/load.ts';
import { WindowAccumulator } from '../../../functions/lib/monitor/window.ts';
import { compactHour } from '../../../functions/lib/records/compaction.ts';
import { predictionPartKey } from '../../../functions/lib/records/layout.ts';
import { encodePredictions } from '../../../functions/lib/records/parquet.ts';
import {
  createRecordStore,
  type ObjectStore,
  type RecordStore,
} from '../../../functions/lib/records/store.ts';
import { makePredictions, seededRandomBytes } from '../records/make-records.ts';
import { MemoryObjectStore } from '../records/memory-store.ts';

const HOUR = { model: 'sst2-default', version: '1', date: '2026-02-03', hour: 4 };
const START = Date.parse('2026-02-03T04:00:00Z');
const MODEL = { name: 'sst2-default', version: '1' };
const RANGE = { fromMs: START, toMs: START + 3_600_000 };
const PARTS = 2000;

/** One single-record part per prediction, written straight to the store's directory or memory. */
async function writeParts(
  store: RecordStore,
  put: (key: string, bytes: Uint8Array) => Promise<void>,
  n: number,
): Promise<string[]> {
  const all = makePredictions({ n, startMs: START + 1000, stepMs: 1000, dim: 8 });
  await Promise.all(all.map((r) => put(predictionPartKey(HOUR, store.nextPartId()), encodePredictions([r]))));
  return all.map((r) => r.id);
}

function readWindow(store: ObjectStore) {
  const acc = new WindowAccumulator(100, 1);
  return accumulateWindow(store, MODEL, RANGE, acc).then(() => acc.build());
}

describe('a monitoring read racing a compaction', () => {
  it('counts every record once when the compaction runs to completion half-way through the read', async () => {
    // Prepare: 2,000 parts in memory; the store runs a whole compaction when the 1,000th GET comes.
    let t = START;
    const inner = new MemoryObjectStore();
    const store = createRecordStore(inner, { now: () => t++, randomBytes: seededRandomBytes(3) });
    const ids = await writeParts(store, async (k, b) => void (await inner.putObject(k, b)), 2000);
    let gets = 0;
    let compacted: Promise<unknown> | null = null;
    const racing: ObjectStore = Object.assign(Object.create(store) as RecordStore, {
      getObject: async (key: string) => {
        if (++gets === 1000) {
          compacted = compactHour(store, HOUR);
          await compacted;
        }
        return store.getObject(key);
      },
    });

    // Act
    const w = await readWindow(racing);

    // Assess: the compaction did delete parts the read had listed, and still nothing is lost.
    expect(compacted).not.toBeNull();
    expect(await inner.list('predictions/')).toHaveLength(1);
    expect(w.size).toBe(ids.length);
    expect(new Set(w.id)).toEqual(new Set(ids));
    expect(w.unreadableFiles).toBe(0);
    expect(w.schemaFailures).toEqual([]);
  });

  it('says so (a named failure, not a silent undercount) when parts vanish and nothing replaces them', async () => {
    const inner = new MemoryObjectStore();
    let t = START;
    const store = createRecordStore(inner, { now: () => t++, randomBytes: seededRandomBytes(4) });
    await writeParts(store, async (k, b) => void (await inner.putObject(k, b)), 40);
    const keys = await inner.list('predictions/');
    // A part deleted between listing and reading, with no merged file written (a broken compactor).
    const lossy: ObjectStore = Object.assign(Object.create(store) as RecordStore, {
      getObject: async (key: string) => (key === keys[7] ? null : store.getObject(key)),
    });
    const w = await readWindow(lossy);
    expect(w.size).toBe(39);
    expect(w.unreadableFiles).toBe(1);
    expect(w.schemaFailures.map((f) => f.key)).toEqual([keys[7]]);
  });
});

describe('a monitoring read racing real compactions on disk (2,000 parts)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-race-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [engine, merge] of [
    ['js', undefined],
    ['duckdb', mergeWithDuckDb],
  ] as const) {
    it(`counts exactly ${PARTS} records while the ${engine} engine compacts the hour`, async () => {
      // Prepare
      const store = createLocalStore(dir);
      const ids = await writeParts(
        store,
        async (key, bytes) => {
          const path = join(dir, ...key.split('/'));
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, bytes);
        },
        PARTS,
      );
      // Act: the read and the compaction start together and interleave on the event loop and disk.
      const [w, result] = await Promise.all([readWindow(store), compactHour(store, HOUR, { merge })]);
      // Assess
      expect(result.partsMerged).toBe(PARTS);
      expect(await store.list('predictions/')).toEqual([result.key]);
      expect(w.size).toBe(PARTS);
      expect(new Set(w.id)).toEqual(new Set(ids));
      expect(w.schemaFailures).toEqual([]);
    });
  }
});
