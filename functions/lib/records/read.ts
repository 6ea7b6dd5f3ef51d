/**
 * Reading a window of the prediction log with hyparquet (small windows, any store). Part files of one
 * hour may overlap after an interrupted compaction, so every reader keeps one copy per id.
 */
import { type PredictionColumns, PredictionColumnsBuilder } from './columns.ts';
import {
  actualsDatePrefix,
  datesInRange,
  hoursInRange,
  parsePredictionKey,
  predictionsDatePrefix,
} from './layout.ts';
import { decodeActuals, decodePredictionRows } from './parquet.ts';
import type { ActualRecord, PredictionRecord } from './schema.ts';
import type { ObjectStore } from './store.ts';

export interface PredictionWindow {
  model: string;
  version: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

export interface ActualsWindow {
  model: string;
  from: Date;
  to: Date;
}

/** Keys of every prediction part file whose hour overlaps the window, in time order. */
export async function listPredictionKeys(store: ObjectStore, w: PredictionWindow): Promise<string[]> {
  const from = w.from.getTime();
  const to = w.to.getTime();
  const hours = new Set(hoursInRange(from, to).map((h) => `${h.date}/${h.hour}`));
  const keys: string[] = [];
  for (const date of datesInRange(from, to)) {
    for (const key of await store.list(predictionsDatePrefix(w.model, w.version, date))) {
      const p = parsePredictionKey(key);
      if (p && hours.has(`${p.date}/${p.hour}`)) keys.push(key);
    }
  }
  return keys;
}

async function forEachPredictionFile(
  store: ObjectStore,
  w: PredictionWindow,
  visit: (rows: Awaited<ReturnType<typeof decodePredictionRows>>) => void,
): Promise<void> {
  for (const key of await listPredictionKeys(store, w)) {
    // A part removed by a concurrent compaction is already in the compacted file we list too.
    const bytes = await store.getObject(key);
    if (bytes) visit(await decodePredictionRows(bytes));
  }
}

/** The window's predictions as records, one per id, ordered by timestamp then id. */
export async function readPredictions(store: ObjectStore, w: PredictionWindow): Promise<PredictionRecord[]> {
  const from = w.from.getTime();
  const to = w.to.getTime();
  const byId = new Map<string, PredictionRecord>();
  await forEachPredictionFile(store, w, (rows) => {
    for (const r of rows) {
      const t = r.timestamp.getTime();
      if (t < from || t >= to || byId.has(r.id)) continue;
      byId.set(r.id, { ...r, embedding: Float32Array.from(r.embedding) });
    }
  });
  return [...byId.values()].sort(
    (a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The window's predictions in columnar form (Float32Array embeddings), one per id, in file order. */
export async function readPredictionColumns(
  store: ObjectStore,
  w: PredictionWindow,
): Promise<PredictionColumns> {
  const from = w.from.getTime();
  const to = w.to.getTime();
  const builder = new PredictionColumnsBuilder();
  await forEachPredictionFile(store, w, (rows) => {
    for (const r of rows) {
      const t = r.timestamp.getTime();
      if (t >= from && t < to) builder.add(r);
    }
  });
  return builder.build();
}

/**
 * The window's actuals, one per prediction id; when a label was posted twice the later one wins
 * (a correction), ties broken by the later part file.
 */
export async function readActuals(store: ObjectStore, w: ActualsWindow): Promise<ActualRecord[]> {
  const from = w.from.getTime();
  const to = w.to.getTime();
  const byId = new Map<string, ActualRecord>();
  for (const date of datesInRange(from, to)) {
    for (const key of await store.list(actualsDatePrefix(w.model, date))) {
      if (!key.endsWith('.parquet')) continue;
      const bytes = await store.getObject(key);
      if (!bytes) continue;
      for (const r of await decodeActuals(bytes)) {
        const t = r.timestamp.getTime();
        if (t < from || t >= to) continue;
        const prev = byId.get(r.id);
        if (!prev || prev.timestamp.getTime() <= t) byId.set(r.id, r);
      }
    }
  }
  return [...byId.values()].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
}
