/**
 * Reading a window of the prediction log with hyparquet (small windows, any store). Part files of one
 * hour may overlap after an interrupted compaction, so every reader keeps one copy per id.
 */
import { type PredictionColumns, PredictionColumnsBuilder } from './columns.ts';
import { DEFAULT_READ_CONCURRENCY, forEachFetched } from './concurrency.ts';
import {
  actualsDatePrefix,
  datesInRange,
  hoursInRange,
  parsePredictionKey,
  predictionsDatePrefix,
} from './layout.ts';
import { decodeActuals, decodePredictionRows, type RawPrediction, toPredictionRecord } from './parquet.ts';
import { predictionRowProblem } from './row-check.ts';
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

/** A file of the log as a reader receives it: its decoded rows, or why it could not be read. */
export type FetchedFile =
  | { key: string; rows: RawPrediction[]; unreadable?: undefined }
  | { key: string; rows?: undefined; unreadable: string };

export interface ReadOptions {
  /** GETs in flight. @default DEFAULT_READ_CONCURRENCY (32) */
  concurrency?: number;
  /** How often the window is listed again while files vanish under the reader. @default 5 */
  maxRelists?: number;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Fetches `keys` with bounded concurrency and visits each one in key order (decoded one at a time, so
 * memory holds the fetched bytes of `concurrency` files and one decoded file). Returns the keys that
 * were gone by the time they were fetched.
 */
export async function fetchEachFile(
  store: ObjectStore,
  keys: readonly string[],
  visit: (file: FetchedFile) => void | Promise<void>,
  concurrency = DEFAULT_READ_CONCURRENCY,
): Promise<string[]> {
  const vanished: string[] = [];
  await forEachFetched(
    keys,
    concurrency,
    (key) =>
      store.getObject(key).then(
        (bytes) => ({ bytes, error: null }),
        (error: unknown) => ({ bytes: null, error: errorText(error) }),
      ),
    async ({ bytes, error }, key) => {
      if (error !== null) return visit({ key, unreadable: `could not be fetched: ${error}` });
      if (!bytes) {
        vanished.push(key);
        return;
      }
      let rows: RawPrediction[];
      try {
        rows = await decodePredictionRows(bytes);
      } catch (e) {
        return visit({ key, unreadable: `is not a readable Parquet file: ${errorText(e)}` });
      }
      return visit({ key, rows });
    },
  );
  return vanished;
}

const folderOf = (key: string) => key.slice(0, key.lastIndexOf('/') + 1);

/**
 * Visits every prediction file of the window exactly once. A part that vanished between listing and
 * reading was merged by a compaction, which writes its merged file into the same hour before it
 * deletes the parts: so the window is listed again and the files not yet visited are read, until
 * nothing vanishes. Returns the vanished keys whose hour showed no new file by then (their records
 * may be missing from the read).
 */
export async function forEachPredictionFile(
  store: ObjectStore,
  w: PredictionWindow,
  visit: (file: FetchedFile) => void | Promise<void>,
  opts: ReadOptions = {},
): Promise<string[]> {
  const visited = new Set<string>();
  let lost: string[] = [];
  let keys = await listPredictionKeys(store, w);
  for (let relists = 0; ; relists++) {
    const todo = keys.filter((k) => !visited.has(k));
    for (const k of todo) visited.add(k);
    const fresh = new Set(todo.map(folderOf));
    lost = lost.filter((k) => !fresh.has(folderOf(k)));
    const vanished = await fetchEachFile(store, todo, visit, opts.concurrency);
    lost.push(...vanished);
    if (vanished.length === 0 || relists >= (opts.maxRelists ?? 5)) return lost;
    keys = await listPredictionKeys(store, w);
  }
}

/** The window's predictions as records, one per id, ordered by timestamp then id. */
export async function readPredictions(store: ObjectStore, w: PredictionWindow): Promise<PredictionRecord[]> {
  const from = w.from.getTime();
  const to = w.to.getTime();
  const byId = new Map<string, PredictionRecord>();
  await forEachPredictionFile(store, w, ({ rows }) => {
    for (const r of rows ?? []) {
      if (predictionRowProblem(r) !== null) continue;
      const t = r.timestamp.getTime();
      if (t < from || t >= to || byId.has(r.id)) continue;
      byId.set(r.id, toPredictionRecord(r));
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
  await forEachPredictionFile(store, w, ({ rows }) => {
    for (const r of rows ?? []) {
      if (predictionRowProblem(r) !== null) continue;
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
  const keys: string[] = [];
  for (const date of datesInRange(from, to)) {
    for (const key of await store.list(actualsDatePrefix(w.model, date)))
      if (key.endsWith('.parquet')) keys.push(key);
  }
  await forEachFetched(
    keys,
    DEFAULT_READ_CONCURRENCY,
    (key) => store.getObject(key),
    async (bytes) => {
      if (!bytes) return;
      for (const r of await decodeActuals(bytes)) {
        const t = r.timestamp.getTime();
        if (t < from || t >= to) continue;
        const prev = byId.get(r.id);
        if (!prev || prev.timestamp.getTime() <= t) byId.set(r.id, r);
      }
    },
  );
  return [...byId.values()].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
}
