/**
 * Reading a large window of the prediction log with DuckDB: it scans local Parquet files in native
 * code, and vectors are copied chunk by chunk into typed arrays. Objects of a remote store are first
 * downloaded to a scratch directory (httpfs is not available in the Lambda runtime).
 */
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBListVector, type DuckDBVector } from '@duckdb/node-api';
import { type PredictionColumns, PredictionColumnsBuilder } from '../lib/records/columns.ts';
import { DEFAULT_READ_CONCURRENCY, mapConcurrent } from '../lib/records/concurrency.ts';
import { listPredictionKeys, type PredictionWindow } from '../lib/records/read.ts';
import type { ObjectStore } from '../lib/records/store.ts';

export interface DuckDbReadOptions {
  /** Where a remote store's objects are downloaded; a fresh temp dir is made (and removed) if absent. */
  scratchDir?: string;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

const SELECT = `SELECT id, epoch_ms("timestamp")::DOUBLE AS timestamp_ms, model_name, model_version, text,
  text_sha256, text_chars, token_count, truncated, unknown_token_ratio, label, score, probabilities,
  embedding, latency_ms, request_id`;

// The float child of a LIST<FLOAT> vector keeps a Float32Array; use it when exposed, else copy per item.
function listRow(v: DuckDBListVector, row: number): ArrayLike<number> {
  const offset = v.getEntryOffset(row);
  const length = v.getEntryLength(row);
  const child = v.childVector as DuckDBVector & { items?: unknown };
  if (child.items instanceof Float32Array) return child.items.subarray(offset, offset + length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = child.getItem(offset + i) as number;
  return out;
}

/**
 * Local paths for the keys: the store's own files when it has them, else copies in `scratch`, fetched
 * `concurrency` at a time, in key order. Keys that vanished since listing (merged by a concurrent
 * compaction) are skipped; a fetch that fails goes to `unreadable` when given, else throws.
 */
export async function materialise(
  store: ObjectStore,
  keys: string[],
  scratch: string,
  unreadable?: { key: string; reason: string }[],
  concurrency = DEFAULT_READ_CONCURRENCY,
): Promise<{ key: string; path: string }[]> {
  const found = await mapConcurrent(keys, concurrency, async (key) => {
    const local = store.localPath?.(key);
    if (local) {
      const exists = await access(local).then(
        () => true,
        () => false,
      );
      return exists ? { key, path: local } : null;
    }
    let bytes: Uint8Array | null;
    try {
      bytes = await store.getObject(key);
    } catch (e) {
      if (!unreadable) throw e;
      unreadable.push({ key, reason: `could not be fetched: ${e instanceof Error ? e.message : String(e)}` });
      return null;
    }
    if (!bytes) return null;
    const path = join(scratch, ...key.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    return { key, path };
  });
  return found.filter((f): f is { key: string; path: string } => f !== null);
}

/** Scans Parquet files with DuckDB into PredictionColumns, one row per id, ordered by time then id. */
export async function scanPredictionFiles(
  paths: string[],
  fromMs: number,
  toMs: number,
): Promise<PredictionColumns> {
  const builder = new PredictionColumnsBuilder();
  if (paths.length === 0) return builder.build();
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const files = `[${paths.map(sqlString).join(', ')}]`;
    const result = await con.stream(
      `${SELECT} FROM read_parquet(${files})
       WHERE epoch_ms("timestamp") >= ${Math.floor(fromMs)} AND epoch_ms("timestamp") < ${Math.ceil(toMs)}
       QUALIFY row_number() OVER (PARTITION BY id) = 1
       ORDER BY "timestamp", id`,
    );
    for (
      let chunk = await result.fetchChunk();
      chunk && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      const col = (i: number) => chunk.getColumnVector(i);
      const [id, ts, mn, mv, text, sha, chars, tokens, trunc, unk, label, score, probs, emb, lat, req] =
        Array.from({ length: 16 }, (_, i) => col(i));
      for (let r = 0; r < chunk.rowCount; r++) {
        builder.add({
          id: id.getItem(r) as string,
          timestamp: new Date(ts.getItem(r) as number),
          model_name: mn.getItem(r) as string,
          model_version: mv.getItem(r) as string,
          text: text.getItem(r) as string | null,
          text_sha256: sha.getItem(r) as string,
          text_chars: chars.getItem(r) as number,
          token_count: tokens.getItem(r) as number,
          truncated: trunc.getItem(r) as boolean,
          unknown_token_ratio: unk.getItem(r) as number,
          label: label.getItem(r) as string,
          score: score.getItem(r) as number,
          probabilities: listRow(probs as DuckDBListVector, r),
          embedding: listRow(emb as DuckDBListVector, r),
          latency_ms: lat.getItem(r) as number,
          request_id: req.getItem(r) as string,
        });
      }
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return builder.build();
}

/** The window's predictions read with DuckDB; for big windows (100k x 768) where hyparquet is slow. */
export async function readPredictionColumnsDuckDb(
  store: ObjectStore,
  w: PredictionWindow,
  opts: DuckDbReadOptions = {},
): Promise<PredictionColumns> {
  const keys = await listPredictionKeys(store, w);
  const ownScratch = !opts.scratchDir && keys.some((k) => !store.localPath?.(k));
  const scratch = opts.scratchDir ?? (ownScratch ? await mkdtemp(join(tmpdir(), 'vigil-scan-')) : '');
  try {
    const files = await materialise(store, keys, scratch);
    // Parts merged away by a concurrent compaction since the listing: its merged file is listed now.
    const found = new Set(files.map((f) => f.key));
    if (keys.some((k) => !found.has(k))) {
      const listed = new Set(keys);
      const fresh = (await listPredictionKeys(store, w)).filter((k) => !listed.has(k));
      files.push(...(await materialise(store, fresh, scratch)));
    }
    return await scanPredictionFiles(
      files.map((f) => f.path),
      w.from.getTime(),
      w.to.getTime(),
    );
  } finally {
    if (ownScratch) await rm(scratch, { recursive: true, force: true });
  }
}
