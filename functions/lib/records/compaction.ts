/**
 * Compaction merges an hour's small per-request part files into one. Order makes it crash-safe: the
 * merged file is written first and parts are deleted after, so a crash leaves duplicates (which every
 * reader drops by id), never a gap; re-running merges the leftovers with the earlier merged file.
 */
import {
  hourStartMs,
  type PredictionHour,
  parsePredictionKey,
  predictionPartKey,
  predictionsHourPrefix,
} from './layout.ts';
import { decodePredictionRows, encodePredictions } from './parquet.ts';
import type { PredictionRecord } from './schema.ts';
import { type ObjectStore, PARQUET_CONTENT_TYPE, type RecordStore } from './store.ts';

export interface CompactionResult {
  hour: PredictionHour;
  /** Part files merged (and then deleted). 0 or 1 means there was nothing to do. */
  partsMerged: number;
  /** Distinct records in the merged file. */
  records: number;
  /** The merged file, or null when nothing was done. */
  key: string | null;
}

/** Merges part files into the bytes of one file, one row per id; reports which keys it consumed. */
export type HourMerger = (
  store: ObjectStore,
  keys: string[],
) => Promise<{ bytes: Uint8Array; records: number; merged: string[] } | null>;

type Row = Awaited<ReturnType<typeof decodePredictionRows>>[number];

/** The portable merger: hyparquet in, hyparquet-writer out, all in memory (no native code). */
export const mergeWithHyparquet: HourMerger = async (store, keys) => {
  const byId = new Map<string, Row>();
  const merged: string[] = [];
  for (const key of keys) {
    const bytes = await store.getObject(key);
    // Gone since the listing: another compactor merged it, and its file is handled on the next run.
    if (!bytes) continue;
    for (const r of await decodePredictionRows(bytes)) if (!byId.has(r.id)) byId.set(r.id, r);
    merged.push(key);
  }
  if (merged.length <= 1) return null;
  const rows = [...byId.values()].sort(
    (a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { bytes: encodePredictions(rows as PredictionRecord[]), records: rows.length, merged };
};

const DELETE_CONCURRENCY = 16;

// Bounded parallelism: an hour can hold thousands of parts, and S3 deletes are one round trip each.
async function deleteAll(store: ObjectStore, keys: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) await store.delete(keys[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, keys.length) }, worker));
}

export interface CompactHourOptions {
  /** @default mergeWithHyparquet */
  merge?: HourMerger;
}

export async function compactHour(
  store: RecordStore,
  hour: PredictionHour,
  opts: CompactHourOptions = {},
): Promise<CompactionResult> {
  const keys = (await store.list(predictionsHourPrefix(hour))).filter((k) => k.endsWith('.parquet'));
  const nothing = { hour, partsMerged: 0, records: 0, key: null };
  if (keys.length <= 1) return nothing;
  const out = await (opts.merge ?? mergeWithHyparquet)(store, keys);
  if (!out) return nothing;
  const key = predictionPartKey(hour, store.nextPartId());
  await store.putObject(key, out.bytes, PARQUET_CONTENT_TYPE);
  // Only after the merged file is durable may its sources go.
  await deleteAll(store, out.merged);
  return { hour, partsMerged: out.merged.length, records: out.records, key };
}

export interface CompactClosedHoursOptions extends CompactHourOptions {
  now: Date;
  /** Hours ending later than now - graceMs are left open for late writers. @default 300000 (5 min) */
  graceMs?: number;
  model?: string;
  version?: string;
}

/** Compacts every hour of the log that closed before `now` and has more than one part file. */
export async function compactClosedHours(
  store: RecordStore,
  opts: CompactClosedHoursOptions,
): Promise<CompactionResult[]> {
  const cutoff = opts.now.getTime() - (opts.graceMs ?? 300_000);
  const counts = new Map<string, { hour: PredictionHour; parts: number }>();
  for (const key of await store.list('predictions/')) {
    const p = parsePredictionKey(key);
    if (!p || (opts.model && p.model !== opts.model) || (opts.version && p.version !== opts.version))
      continue;
    const hour = { model: p.model, version: p.version, date: p.date, hour: p.hour };
    const id = predictionsHourPrefix(hour);
    const entry = counts.get(id) ?? { hour, parts: 0 };
    entry.parts++;
    counts.set(id, entry);
  }
  const results: CompactionResult[] = [];
  for (const { hour, parts } of counts.values()) {
    if (parts > 1 && hourStartMs(hour) + 3_600_000 <= cutoff)
      results.push(await compactHour(store, hour, opts));
  }
  return results;
}
