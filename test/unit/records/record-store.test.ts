import { describe, expect, it } from 'vitest';
import { InvalidPartitionValueError, parsePredictionKey } from '../../../functions/lib/records/layout.ts';
import { decodePredictions } from '../../../functions/lib/records/parquet.ts';
import { createRecordStore, LogWriteError } from '../../../functions/lib/records/store.ts';
import { failing, makeActuals, makePredictions, seededRandomBytes } from './make-records.ts';
import { MemoryObjectStore } from './memory-store.ts';

const clock = (start: number) => {
  let t = start;
  return () => t++;
};

describe('createRecordStore', () => {
  it('writes one part file per request, under the hour of its records, named by a UUIDv7', async () => {
    const objects = new MemoryObjectStore();
    const store = createRecordStore(objects, {
      now: clock(1_800_000_000_000),
      randomBytes: seededRandomBytes(3),
    });
    const records = makePredictions({ n: 4, startMs: Date.parse('2026-02-03T04:05:06Z') });
    const keys = await store.putPredictions(records);
    expect(keys).toHaveLength(1);
    const p = parsePredictionKey(keys[0]);
    expect(p).toMatchObject({ model: 'sst2-default', version: '1', date: '2026-02-03', hour: 4 });
    expect(p?.partId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(
      (await decodePredictions((await objects.getObject(keys[0])) as Uint8Array)).map((r) => r.id),
    ).toEqual(records.map((r) => r.id));
  });

  it('splits a batch that straddles an hour into one part per hour', async () => {
    const objects = new MemoryObjectStore();
    const store = createRecordStore(objects, { now: clock(1), randomBytes: seededRandomBytes(4) });
    const records = makePredictions({ n: 4, startMs: Date.parse('2026-02-03T04:59:58Z'), stepMs: 1000 });
    const keys = await store.putPredictions(records);
    expect(keys.map((k) => parsePredictionKey(k)?.hour).sort()).toEqual([4, 5]);
  });

  it('turns a failed write into LOG_WRITE_FAILED carrying the cause', async () => {
    const objects = failing(new MemoryObjectStore(), { put: true });
    const store = createRecordStore(objects, { now: clock(1), randomBytes: seededRandomBytes(5) });
    const err = await store.putPredictions(makePredictions({ n: 1, startMs: 0 })).catch((e) => e);
    expect(err).toBeInstanceOf(LogWriteError);
    expect(err.code).toBe('LOG_WRITE_FAILED');
    expect(err.cause.message).toMatch(/simulated crash/);
    const err2 = await store
      .putActuals(makeActuals(makePredictions({ n: 1, startMs: 0 }), 1), 'm')
      .catch((e) => e);
    expect(err2).toBeInstanceOf(LogWriteError);
  });

  it('refuses an unsafe model name before writing anything', async () => {
    const objects = new MemoryObjectStore();
    const store = createRecordStore(objects, { now: clock(1), randomBytes: seededRandomBytes(6) });
    const records = makePredictions({ n: 2, startMs: 0, model: 'org/model' });
    await expect(store.putPredictions(records)).rejects.toBeInstanceOf(InvalidPartitionValueError);
    expect(objects.objects.size).toBe(0);
  });

  it('writes actuals under the model and UTC date of the feedback', async () => {
    const objects = new MemoryObjectStore();
    const store = createRecordStore(objects, { now: clock(1), randomBytes: seededRandomBytes(7) });
    const actuals = makeActuals(makePredictions({ n: 2, startMs: Date.parse('2026-02-03T23:59:59Z') }), 0);
    const keys = await store.putActuals(actuals, 'sst2-default');
    expect(keys.map((k) => k.split('/').slice(0, 3).join('/')).sort()).toEqual([
      'actuals/model=sst2-default/date=2026-02-03',
      'actuals/model=sst2-default/date=2026-02-04',
    ]);
  });
});
