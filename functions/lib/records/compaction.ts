/**
 * Compaction merges an hour's small per-request part files into one. Order makes it crash-safe: the
 * merged file is written first and parts are deleted after, so a crash leaves duplicates (which every
 * reader drops by id), never a gap; re-running merges the leftovers with the earlier merged file.
 * Only parts whose every row fits the record schema are merged: an unreadable, foreign or malformed
 * part stays where it is, reported, so deleting that one file still removes it. One compactor owns an
 * hour at a time (a lease object written with a conditional put).
 */
import { DEFAULT_READ_CONCURRENCY } from './concurrency.ts';
import {
  hourStartMs,
  type PredictionHour,
  parsePredictionKey,
  predictionPartKey,
  predictionsHourPrefix,
} from './layout.ts';
import { acquireHourLease } from './lease.ts';
import { encodePredictions, type RawPrediction, toPredictionRecord } from './parquet.ts';
import { fetchEachFile } from './read.ts';
import { predictionRowProblem } from './row-check.ts';
import { type ObjectStore, PARQUET_CONTENT_TYPE, type RecordStore } from './store.ts';

/** A part compaction did not merge, and why (it stays in place). */
export interface LeftPart {
  key: string;
  reason: string;
}

export interface CompactionResult {
  hour: PredictionHour;
  /** Part files merged (and then deleted). 0 means nothing was merged. */
  partsMerged: number;
  /** Distinct records in the merged file. */
  records: number;
  /** The merged file, or null when nothing was done. */
  key: string | null;
  /** Parts left where they are: unreadable, or holding rows that fail the record schema. */
  left: LeftPart[];
  /** Why the hour was not compacted at all: another compactor holds it, or it failed (message). */
  skipped?: 'leased';
  error?: string;
}

export interface MergeOutput {
  /** The merged file; null when fewer than two parts could be merged. */
  bytes: Uint8Array | null;
  records: number;
  /** Keys whose rows are all in `bytes` (deleted once it is written). */
  merged: string[];
  left: LeftPart[];
}

/** Merges part files into the bytes of one file, one row per id; reports which keys it consumed. */
export type HourMerger = (store: ObjectStore, keys: string[]) => Promise<MergeOutput>;

const byTimeThenId = (a: RawPrediction, b: RawPrediction) =>
  a.timestamp.getTime() - b.timestamp.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The hour's embedding width: the most common one among rows that otherwise fit (0 when none). */
export function commonWidth(files: readonly { rows: readonly RawPrediction[] }[]): number {
  const counts = new Map<number, number>();
  for (const f of files)
    for (const r of f.rows)
      if (predictionRowProblem(r) === null)
        counts.set(r.embedding.length, (counts.get(r.embedding.length) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [width, n] of counts)
    if (n > bestCount || (n === bestCount && width > best)) [best, bestCount] = [width, n];
  return best;
}

/** What keeps a part out of the merge: its first row that fails the schema, or that names another model. */
export function partProblem(rows: readonly RawPrediction[], width: number): string | null {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const problem =
      predictionRowProblem(r, width) ??
      (typeof r.model_name !== 'string' || typeof r.model_version !== 'string'
        ? 'model_name or model_version is missing'
        : null);
    if (problem !== null) return `row ${i}: ${problem}`;
  }
  return null;
}

// The encoder checks every column; a part it refuses is found by encoding the parts one by one.
function encodeOrFindBad(
  files: { key: string; rows: RawPrediction[] }[],
): { bytes: Uint8Array; records: number } | { bad: LeftPart[] } {
  const byId = new Map<string, RawPrediction>();
  for (const f of files) for (const r of f.rows) if (!byId.has(r.id)) byId.set(r.id, r);
  const rows = [...byId.values()].sort(byTimeThenId);
  try {
    return { bytes: encodePredictions(rows.map(toPredictionRecord)), records: rows.length };
  } catch (e) {
    const bad: LeftPart[] = [];
    for (const f of files) {
      try {
        encodePredictions(f.rows.map(toPredictionRecord));
      } catch (err) {
        bad.push({ key: f.key, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    if (bad.length === 0) throw e;
    return { bad };
  }
}

/** The portable merger: hyparquet in (32 GETs in flight), hyparquet-writer out, all in memory. */
export const mergeWithHyparquet: HourMerger = async (store, keys) => {
  const left: LeftPart[] = [];
  const files: { key: string; rows: RawPrediction[] }[] = [];
  await fetchEachFile(
    store,
    keys,
    (f) => {
      if (f.rows === undefined) left.push({ key: f.key, reason: f.unreadable });
      else files.push({ key: f.key, rows: f.rows });
    },
    DEFAULT_READ_CONCURRENCY,
  );
  // Parts gone since the listing were merged by another compactor; its file is handled next time.
  const width = commonWidth(files);
  let good = files.filter((f) => {
    const problem = partProblem(f.rows, width);
    if (problem !== null) left.push({ key: f.key, reason: problem });
    return problem === null;
  });
  for (;;) {
    if (good.length <= 1) return { bytes: null, records: 0, merged: [], left };
    const out = encodeOrFindBad(good);
    if ('bytes' in out) return { ...out, merged: good.map((f) => f.key), left };
    left.push(...out.bad);
    const bad = new Set(out.bad.map((b) => b.key));
    good = good.filter((f) => !bad.has(f.key));
  }
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
  /**
   * The current time; with it the hour is compacted under a lease, so a second compactor of the
   * same hour (a manual `vigil compact` beside the scheduled one) skips it instead of duplicating it.
   */
  now?: Date;
  /** How long a lease holds if its owner dies without releasing it. @default 15 minutes */
  leaseTtlMs?: number;
}

export async function compactHour(
  store: RecordStore,
  hour: PredictionHour,
  opts: CompactHourOptions = {},
): Promise<CompactionResult> {
  const nothing = { hour, partsMerged: 0, records: 0, key: null, left: [] };
  const lease = opts.now
    ? await acquireHourLease(store, hour, {
        owner: store.nextPartId(),
        nowMs: opts.now.getTime(),
        ttlMs: opts.leaseTtlMs,
      })
    : null;
  if (lease === 'held') return { ...nothing, skipped: 'leased' };
  try {
    const keys = (await store.list(predictionsHourPrefix(hour))).filter((k) => k.endsWith('.parquet'));
    if (keys.length <= 1) return nothing;
    const out = await (opts.merge ?? mergeWithHyparquet)(store, keys);
    if (!out.bytes) return { ...nothing, left: out.left };
    const key = predictionPartKey(hour, store.nextPartId());
    await store.putObject(key, out.bytes, PARQUET_CONTENT_TYPE);
    // Only after the merged file is durable may its sources go.
    await deleteAll(store, out.merged);
    return { hour, partsMerged: out.merged.length, records: out.records, key, left: out.left };
  } finally {
    if (lease) await lease.release();
  }
}

export interface CompactClosedHoursOptions extends CompactHourOptions {
  now: Date;
  /** Hours ending later than now - graceMs are left open for late writers. @default 300000 (5 min) */
  graceMs?: number;
  model?: string;
  version?: string;
}

/**
 * Compacts every hour of the log that closed before `now` and has more than one part file. An hour
 * that fails is reported in its result (`error`) and the next hours are still compacted.
 */
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
  const hours = [...counts.values()]
    .filter(({ hour, parts }) => parts > 1 && hourStartMs(hour) + 3_600_000 <= cutoff)
    .map(({ hour }) => hour);
  return compactHours(store, hours, opts);
}

/** Compacts each hour in turn; one hour's failure is its result's `error`, not the end of the others. */
export async function compactHours(
  store: RecordStore,
  hours: readonly PredictionHour[],
  opts: CompactHourOptions,
): Promise<CompactionResult[]> {
  const results: CompactionResult[] = [];
  for (const hour of hours) {
    try {
      results.push(await compactHour(store, hour, opts));
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      results.push({ hour, partsMerged: 0, records: 0, key: null, left: [], error });
    }
  }
  return results;
}
