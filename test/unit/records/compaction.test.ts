import { describe, expect, it } from 'vitest';
import { compactClosedHours, compactHour } from '../../../functions/lib/records/compaction.ts';
import { predictionsHourPrefix } from '../../../functions/lib/records/layout.ts';
import { readPredictionColumns, readPredictions } from '../../../functions/lib/records/read.ts';
import { createRecordStore, type RecordStore } from '../../../functions/lib/records/store.ts';
import { failing, makePredictions, seededRandomBytes } from './make-records.ts';
import { MemoryObjectStore } from './memory-store.ts';

const HOUR = { model: 'sst2-default', version: '1', date: '2026-02-03', hour: 4 };
const START = Date.parse('2026-02-03T04:00:00Z');
const WINDOW = {
  model: 'sst2-default',
  version: '1',
  from: new Date(START),
  to: new Date(START + 3_600_000),
};

async function loggedHour(parts: number, perPart: number): Promise<{ store: RecordStore; ids: string[] }> {
  let t = START;
  const store = createRecordStore(new MemoryObjectStore(), {
    now: () => t++,
    randomBytes: seededRandomBytes(9),
  });
  const all = makePredictions({ n: parts * perPart, startMs: START + 1000, stepMs: 500 });
  for (let i = 0; i < parts; i++) await store.putPredictions(all.slice(i * perPart, (i + 1) * perPart));
  return { store, ids: all.map((r) => r.id) };
}

describe('compactHour', () => {
  it('merges the parts into one file and removes them, losing no record', async () => {
    const { store, ids } = await loggedHour(6, 5);
    const before = await store.list(predictionsHourPrefix(HOUR));
    const result = await compactHour(store, HOUR);
    expect(result).toMatchObject({ partsMerged: 6, records: 30 });
    expect(await store.list(predictionsHourPrefix(HOUR))).toEqual([result.key]);
    expect(before).not.toContain(result.key);
    expect((await readPredictions(store, WINDOW)).map((r) => r.id)).toEqual(ids);
  });

  it('does nothing for an hour with one file', async () => {
    const { store } = await loggedHour(1, 5);
    expect(await compactHour(store, HOUR)).toMatchObject({ partsMerged: 0, key: null });
  });

  it('leaves the parts alone when the merged file cannot be written', async () => {
    const { store, ids } = await loggedHour(3, 4);
    const before = await store.list(predictionsHourPrefix(HOUR));
    await expect(compactHour(failing(store, { put: true }), HOUR)).rejects.toThrow(/simulated crash/);
    expect(await store.list(predictionsHourPrefix(HOUR))).toEqual(before);
    expect((await readPredictions(store, WINDOW)).map((r) => r.id)).toEqual(ids);
  });

  it('survives a crash between writing the merged file and deleting the parts', async () => {
    const { store, ids } = await loggedHour(4, 5);
    await expect(compactHour(failing(store, { delete: true }), HOUR)).rejects.toThrow(/simulated crash/);
    // Both the merged file and all parts exist now: readers must still count every record once.
    expect(await store.list(predictionsHourPrefix(HOUR))).toHaveLength(5);
    expect((await readPredictions(store, WINDOW)).map((r) => r.id)).toEqual(ids);
    const columns = await readPredictionColumns(store, WINDOW);
    expect(columns.length).toBe(20);
    expect(new Set(columns.id).size).toBe(20);
    // Re-running finishes the job.
    const again = await compactHour(store, HOUR);
    expect(again).toMatchObject({ partsMerged: 5, records: 20 });
    expect(await store.list(predictionsHourPrefix(HOUR))).toEqual([again.key]);
    expect((await readPredictions(store, WINDOW)).map((r) => r.id)).toEqual(ids);
  });
});

describe('compactClosedHours', () => {
  it('compacts only hours that closed before now minus the grace period', async () => {
    let t = START;
    const store = createRecordStore(new MemoryObjectStore(), {
      now: () => t++,
      randomBytes: seededRandomBytes(2),
    });
    const hour4 = makePredictions({ n: 4, startMs: START, stepMs: 60_000, seed: 1 });
    const hour5 = makePredictions({ n: 4, startMs: START + 3_600_000, stepMs: 60_000, seed: 2 });
    for (const r of [...hour4, ...hour5]) await store.putPredictions([r]);
    const now = new Date(START + 2 * 3_600_000 + 60_000);
    const results = await compactClosedHours(store, { now, graceMs: 5 * 60_000 });
    expect(results.map((r) => r.hour.hour)).toEqual([4]);
    expect(await store.list(predictionsHourPrefix(HOUR))).toHaveLength(1);
    expect(await store.list(predictionsHourPrefix({ ...HOUR, hour: 5 }))).toHaveLength(4);
    const later = await compactClosedHours(store, { now: new Date(START + 3 * 3_600_000) });
    expect(later.map((r) => r.hour.hour)).toEqual([5]);
  });
});
