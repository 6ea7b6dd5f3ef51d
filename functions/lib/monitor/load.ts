/**
 * Streams part files of the prediction log into a WindowAccumulator one file at a time, so a window
 * of any size costs one decoded file plus the accumulator. A file that does not decode is counted
 * (the schema-failure check reports it) rather than failing the run.
 */
import { decodeActuals, decodePredictionRows } from '../records/parquet.ts';
import { listPredictionKeys, readActuals } from '../records/read.ts';
import type { ObjectStore } from '../records/store.ts';
import type { WindowAccumulator } from './window.ts';

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** Adds the rows of `keys` (within `range`, when given) to `acc`. */
export async function accumulateFiles(
  store: ObjectStore,
  keys: readonly string[],
  acc: WindowAccumulator,
  range?: TimeRange,
): Promise<void> {
  for (const key of keys) {
    // A part removed by a concurrent compaction is already in the compacted file listed too.
    const bytes = await store.getObject(key);
    if (!bytes) continue;
    acc.files++;
    let rows: Awaited<ReturnType<typeof decodePredictionRows>>;
    try {
      rows = await decodePredictionRows(bytes);
    } catch {
      acc.unreadableFiles++;
      continue;
    }
    for (const r of rows) {
      if (range) {
        const t = r.timestamp.getTime();
        if (t < range.fromMs || t >= range.toMs) continue;
      }
      acc.add(r);
    }
  }
}

/** Streams the predictions of model/version in [from, to) into `acc`. */
export async function accumulateWindow(
  store: ObjectStore,
  model: { name: string; version: string },
  range: TimeRange,
  acc: WindowAccumulator,
): Promise<void> {
  const keys = await listPredictionKeys(store, {
    model: model.name,
    version: model.version,
    from: new Date(range.fromMs),
    to: new Date(range.toMs),
  });
  await accumulateFiles(store, keys, acc, range);
}

/** True labels posted in [from, to) for a model, by prediction id (a later correction wins). */
export async function actualsById(
  store: ObjectStore,
  model: string,
  range: TimeRange,
): Promise<Map<string, string>> {
  const records = await readActuals(store, { model, from: new Date(range.fromMs), to: new Date(range.toMs) });
  return new Map(records.map((r) => [r.id, r.label]));
}

/** Labels stored beside a baseline (an actuals-schema file), by reference record id. */
export async function baselineLabels(
  store: ObjectStore,
  key: string,
): Promise<Map<string, string> | undefined> {
  const bytes = await store.getObject(key);
  if (!bytes) return undefined;
  return new Map((await decodeActuals(bytes)).map((r) => [r.id, r.label]));
}
