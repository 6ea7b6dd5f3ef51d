/**
 * Streams part files of the prediction log into a WindowAccumulator, fetching a bounded number at a
 * time and decoding one at a time, so a window of any size costs a few files plus the accumulator.
 * Nothing in a file can end the run: a file that does not decode, a row that fails the schema, a part
 * that vanished under a concurrent compaction and could not be found again — each is counted and
 * named on the window (integrity.schema and integrity.unreadable_files report them).
 */
import { decodeActuals } from '../records/parquet.ts';
import {
  type FetchedFile,
  fetchEachFile,
  forEachPredictionFile,
  type ReadOptions,
  readActuals,
} from '../records/read.ts';
import { predictionRowProblem } from '../records/row-check.ts';
import type { ObjectStore } from '../records/store.ts';
import type { WindowAccumulator, WindowRow } from './window.ts';

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** Adds one fetched file's rows (within `range`, when given) to `acc`, counting what fails. */
export function addFetchedFile(acc: WindowAccumulator, file: FetchedFile, range?: TimeRange): void {
  acc.files++;
  if (file.rows === undefined) {
    acc.unreadableFiles++;
    acc.schemaFailures.push({ key: file.key, reason: file.unreadable, rejectedRows: null });
    return;
  }
  let rejected = 0;
  let firstProblem: string | null = null;
  for (const r of file.rows) {
    const problem = predictionRowProblem(r);
    if (problem !== null) {
      acc.rejectedRows++;
      rejected++;
      firstProblem ??= problem;
      continue;
    }
    const t = r.timestamp.getTime();
    if (range && (t < range.fromMs || t >= range.toMs)) continue;
    // The accumulator rejects (and counts) an embedding whose width is not the window's.
    const before = acc.rejectedRows;
    acc.add(r as WindowRow);
    if (acc.rejectedRows > before) {
      rejected++;
      firstProblem ??= `embedding has ${r.embedding.length} values, expected ${acc.dimension}`;
    }
  }
  if (rejected === 0) return;
  // A file none of whose rows fit is foreign (another schema): it counts as unreadable too.
  if (rejected === file.rows.length) acc.unreadableFiles++;
  acc.schemaFailures.push({
    key: file.key,
    reason: `${rejected} of ${file.rows.length} rows fail the schema (${firstProblem})`,
    rejectedRows: rejected,
  });
}

/** Parts that vanished unread and were not found again: their records may be missing from the window. */
function noteVanished(acc: WindowAccumulator, keys: readonly string[]): void {
  for (const key of keys) {
    acc.files++;
    acc.unreadableFiles++;
    acc.schemaFailures.push({
      key,
      reason: 'vanished while the window was read (a concurrent compaction?) and was not found again',
      rejectedRows: null,
    });
  }
}

/** Adds the rows of `keys` (within `range`, when given) to `acc`; a missing key is not a file. */
export async function accumulateFiles(
  store: ObjectStore,
  keys: readonly string[],
  acc: WindowAccumulator,
  range?: TimeRange,
  opts: ReadOptions = {},
): Promise<void> {
  await fetchEachFile(store, keys, (file) => addFetchedFile(acc, file, range), opts.concurrency);
}

/**
 * Streams the predictions of model/version in [from, to) into `acc`, each record once even while a
 * compaction merges and deletes the window's parts (see forEachPredictionFile).
 */
export async function accumulateWindow(
  store: ObjectStore,
  model: { name: string; version: string },
  range: TimeRange,
  acc: WindowAccumulator,
  opts: ReadOptions = {},
): Promise<void> {
  const window = {
    model: model.name,
    version: model.version,
    from: new Date(range.fromMs),
    to: new Date(range.toMs),
  };
  const lost = await forEachPredictionFile(store, window, (file) => addFetchedFile(acc, file, range), opts);
  noteVanished(acc, lost);
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
