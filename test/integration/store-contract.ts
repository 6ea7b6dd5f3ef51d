/**
 * The contract every RecordStore adapter passes. Runners (local-store.test.ts, s3-store.test.ts) call
 * describeStoreContract with a factory that gives a fresh, empty store.
 */
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { mergeWithDuckDb } from '../../functions/adapters/duckdb-merge.ts';
import { readPredictionColumnsDuckDb } from '../../functions/adapters/duckdb-reader.ts';
import { compactHour } from '../../functions/lib/records/compaction.ts';
import { decodePredictions } from '../../functions/lib/records/parquet.ts';
import { readActuals, readPredictionColumns, readPredictions } from '../../functions/lib/records/read.ts';
import type { RecordStore } from '../../functions/lib/records/store.ts';
import { makeActuals, makePredictions } from '../unit/records/make-records.ts';

const START = Date.parse('2026-03-10T22:10:00Z');
const WINDOW = {
  model: 'sst2-default',
  version: '3',
  from: new Date(START),
  to: new Date(START + 4 * 3_600_000),
};
const text = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : null);

export function describeStoreContract(name: string, makeStore: () => Promise<RecordStore>): void {
  describe(`RecordStore contract: ${name}`, () => {
    it('puts, gets, lists by prefix in key order, and deletes objects', async () => {
      const store = await makeStore();
      await store.putObject('reports/model=m/version=1/b.json', '{"b":1}', 'application/json');
      await store.putObject('reports/model=m/version=1/a.json', new TextEncoder().encode('{"a":1}'));
      await store.putObject('reports/model=other/version=1/c.json', '{}');
      expect(text(await store.getObject('reports/model=m/version=1/a.json'))).toBe('{"a":1}');
      expect(await store.getObject('reports/model=m/version=1/missing.json')).toBeNull();
      expect(await store.list('reports/model=m/')).toEqual([
        'reports/model=m/version=1/a.json',
        'reports/model=m/version=1/b.json',
      ]);
      expect(await store.list('reports/model=')).toHaveLength(3);
      expect(await store.list('nothing/here/')).toEqual([]);
      await store.delete('reports/model=m/version=1/a.json');
      await store.delete('reports/model=m/version=1/a.json');
      expect(await store.list('reports/model=m/')).toEqual(['reports/model=m/version=1/b.json']);
    });

    it('overwrites an object and reports a new etag', async () => {
      const store = await makeStore();
      const first = await store.putObject('state/x.json', 'one');
      const second = await store.putObject('state/x.json', 'two');
      expect(second.etag).not.toBe(first.etag);
      expect(await store.getObjectWithEtag('state/x.json')).toEqual({
        body: new TextEncoder().encode('two'),
        etag: second.etag,
      });
    });

    it('writes predictions and reads the window back, with null text', async () => {
      const store = await makeStore();
      const records = makePredictions({
        n: 30,
        startMs: START,
        stepMs: 10 * 60_000,
        model: 'sst2-default',
        version: '3',
        textNullEvery: 3,
      });
      for (let i = 0; i < 30; i += 5) await store.putPredictions(records.slice(i, i + 5));
      const inWindow = records.filter((r) => r.timestamp < WINDOW.to);
      const back = await readPredictions(store, WINDOW);
      expect(back.map((r) => r.id)).toEqual(inWindow.map((r) => r.id));
      expect(back[0].text).toBeNull();
      expect(back[1].text).toBe(records[1].text);
      const columns = await readPredictionColumns(store, WINDOW);
      expect(columns.id).toEqual(inWindow.map((r) => r.id));
      expect(Array.from(columns.embedding.subarray(0, 8))).toEqual(Array.from(records[0].embedding));
    });

    it('reads the same window with DuckDB as with hyparquet, deduplicated after an interrupted compaction', async () => {
      const store = await makeStore();
      const records = makePredictions({ n: 12, startMs: START, stepMs: 60_000, version: '3', dim: 6 });
      for (let i = 0; i < 12; i += 3) await store.putPredictions(records.slice(i, i + 3));
      // Simulate the crash window: a merged copy exists beside its parts.
      const dup = makePredictions({ n: 12, startMs: START, stepMs: 60_000, version: '3', dim: 6 });
      await store.putPredictions(dup);
      const viaDuck = await readPredictionColumnsDuckDb(store, WINDOW);
      const viaHyparquet = await readPredictionColumns(store, WINDOW);
      expect(viaDuck.length).toBe(12);
      expect(viaDuck.id).toEqual(records.map((r) => r.id));
      expect(Array.from(viaDuck.embedding)).toEqual(Array.from(viaHyparquet.embedding));
      expect(Array.from(viaDuck.timestampMs)).toEqual(Array.from(viaHyparquet.timestampMs));
      expect(viaDuck.text).toEqual(viaHyparquet.text);
      expect(Array.from(viaDuck.truncated)).toEqual(Array.from(viaHyparquet.truncated));
    });

    it('compacts an hour into one file that readers see once', async () => {
      const store = await makeStore();
      const records = makePredictions({ n: 20, startMs: START, stepMs: 1000, version: '3' });
      for (let i = 0; i < 20; i += 2) await store.putPredictions(records.slice(i, i + 2));
      const hour = { model: 'sst2-default', version: '3', date: '2026-03-10', hour: 22 };
      const result = await compactHour(store, hour);
      expect(result).toMatchObject({ partsMerged: 10, records: 20 });
      expect(await store.list('predictions/')).toEqual([result.key]);
      expect((await readPredictions(store, WINDOW)).map((r) => r.id)).toEqual(records.map((r) => r.id));
    });

    it('compacts with the DuckDB merger into a file of the same schema and records', async () => {
      const store = await makeStore();
      const records = makePredictions({
        n: 20,
        startMs: START,
        stepMs: 1000,
        version: '3',
        textNullEvery: 4,
      });
      for (let i = 0; i < 20; i += 4) await store.putPredictions(records.slice(i, i + 4));
      await store.putPredictions(records.slice(0, 6)); // an interrupted earlier compaction's leftovers
      const hour = { model: 'sst2-default', version: '3', date: '2026-03-10', hour: 22 };
      const result = await compactHour(store, hour, { merge: mergeWithDuckDb });
      expect(result).toMatchObject({ partsMerged: 6, records: 20 });
      const bytes = (await store.getObject(result.key as string)) as Uint8Array;
      const timestamp = parquetMetadata(bytes.slice().buffer).schema.find((e) => e.name === 'timestamp');
      expect(timestamp).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' });
      const back = await decodePredictions(bytes);
      expect(back.map((r) => r.id)).toEqual(records.map((r) => r.id));
      expect(back.map((r) => r.text)).toEqual(records.map((r) => r.text));
      expect(back.map((r) => r.timestamp.getTime())).toEqual(records.map((r) => r.timestamp.getTime()));
      expect(Array.from(back[7].embedding)).toEqual(Array.from(records[7].embedding));
    });

    it('writes actuals and reads them by window, the later label winning', async () => {
      const store = await makeStore();
      const predictions = makePredictions({ n: 6, startMs: START, version: '3' });
      const actuals = makeActuals(predictions, 60_000);
      await store.putActuals(actuals, 'sst2-default');
      const correction = {
        ...actuals[2],
        timestamp: new Date(actuals[2].timestamp.getTime() + 5000),
        label: 'fixed',
      };
      await store.putActuals([correction], 'sst2-default');
      const back = await readActuals(store, { model: 'sst2-default', from: WINDOW.from, to: WINDOW.to });
      expect(back).toHaveLength(6);
      expect(back.find((a) => a.id === actuals[2].id)?.label).toBe('fixed');
    });

    it('conditional write: creates only when absent and replaces only the expected version', async () => {
      const store = await makeStore();
      const key = 'state/model=m/version=1/alerts.json';
      const created = await store.putObjectIfMatch(key, '{"v":1}', null, 'application/json');
      expect(created.ok).toBe(true);
      if (!created.ok) return;
      const updated = await store.putObjectIfMatch(key, '{"v":2}', created.etag);
      expect(updated.ok).toBe(true);
      if (store.conditionalWrites === 'enforced') {
        expect(await store.putObjectIfMatch(key, '{"v":3}', null)).toEqual({ ok: false, reason: 'conflict' });
        expect(await store.putObjectIfMatch(key, '{"v":3}', created.etag)).toEqual({
          ok: false,
          reason: 'conflict',
        });
        expect(text(await store.getObject(key))).toBe('{"v":2}');
      } else {
        // The backend ignores preconditions (s3rver): the stale write lands, which this documents.
        expect((await store.putObjectIfMatch(key, '{"v":3}', created.etag)).ok).toBe(true);
        expect(text(await store.getObject(key))).toBe('{"v":3}');
      }
    });
  });
}
