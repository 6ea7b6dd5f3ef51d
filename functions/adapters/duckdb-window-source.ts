/**
 * A WindowSource over Vigil's prediction log that scans the window's Parquet part files with DuckDB
 * (native, multi-threaded) and streams rows chunk by chunk into the WindowAccumulator: at 100,000
 * records x 768 floats it loads several times faster than decoding each file in JavaScript, and never
 * holds more than one chunk of embeddings beyond the accumulator's sample. When DuckDB cannot read
 * the set (a corrupt or foreign file), it falls back to the JavaScript log source, which counts the
 * unreadable file for the schema check; results are then identical to it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBListVector, type DuckDBVector } from '@duckdb/node-api';
import { logWindowSource } from '../lib/monitor/log-source.ts';
import type { WindowLoadOptions, WindowRange, WindowSource } from '../lib/monitor/source.ts';
import { type MonitorWindow, WindowAccumulator, type WindowRow } from '../lib/monitor/window.ts';
import { listPredictionKeys } from '../lib/records/read.ts';
import type { ObjectStore } from '../lib/records/store.ts';
import { materialise } from './duckdb-reader.ts';
import { ALLOCATOR_FLUSH } from './duckdb-settings.ts';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** A row of a list column as a view into the chunk's flat child; null for an empty (or null) list. */
function listRow(v: DuckDBListVector, row: number, as: 'f32' | 'i32'): ArrayLike<number> | null {
  // getItem would build a sliced list value per row; offsets and lengths read the flat data directly.
  const length = v.getEntryLength(row);
  if (length === 0) return null;
  const offset = v.getEntryOffset(row);
  const child = v.childVector as DuckDBVector & { items?: unknown };
  if (as === 'f32' && child.items instanceof Float32Array)
    return child.items.subarray(offset, offset + length);
  if (as === 'i32' && child.items instanceof Int32Array) return child.items.subarray(offset, offset + length);
  const out = as === 'f32' ? new Float32Array(length) : new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = child.getItem(offset + i) as number;
  return out;
}

async function columnsOf(
  con: Awaited<ReturnType<DuckDBInstance['connect']>>,
  files: string,
): Promise<Set<string>> {
  const r = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${files}, union_by_name = true)`);
  return new Set(r.getRows().map((row) => String(row[0])));
}

async function scanInto(paths: string[], range: WindowRange, acc: WindowAccumulator): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { ...ALLOCATOR_FLUSH });
  const con = await instance.connect();
  try {
    const files = `[${paths.map(sqlString).join(', ')}]`;
    const has = await columnsOf(con, files);
    const opt = (name: string, type: string) => (has.has(name) ? name : `NULL::${type} AS ${name}`);
    // Insertion order is kept (no ORDER BY), so the reservoir sample is the same as the JS reader's.
    const result = await con.stream(
      `SELECT id, label, ${opt('score', 'DOUBLE')}, ${opt('text', 'VARCHAR')}, ${opt('text_sha256', 'VARCHAR')},
        ${opt('text_chars', 'INTEGER')}, ${opt('truncated', 'BOOLEAN')}, ${opt('unknown_token_ratio', 'DOUBLE')},
        embedding, ${opt('fields', 'VARCHAR')}, ${opt('token_ids', 'INTEGER[]')}
       FROM read_parquet(${files}, union_by_name = true)
       WHERE epoch_ms("timestamp") >= ${Math.floor(range.fromMs)} AND epoch_ms("timestamp") < ${Math.ceil(range.toMs)}`,
    );
    for (
      let chunk = await result.fetchChunk();
      chunk && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      const [id, label, score, text, sha, chars, trunc, unk, emb, fields, tokens] = Array.from(
        { length: 11 },
        (_, i) => chunk.getColumnVector(i),
      );
      // Text and token ids are read only for the rows the sample keeps (getters the accumulator calls
      // then): a long text becomes a JS string for ~1,000 rows of a window, not for every row.
      let r = 0;
      const row: WindowRow = {
        id: '',
        label: '',
        score: null,
        get text() {
          return text.getItem(r) as string | null;
        },
        text_sha256: null,
        text_chars: null,
        truncated: null,
        unknown_token_ratio: null,
        embedding: new Float32Array(0),
        fields: null,
        get token_ids() {
          return listRow(tokens as DuckDBListVector, r, 'i32');
        },
      };
      for (; r < chunk.rowCount; r++) {
        row.id = id.getItem(r) as string;
        row.label = label.getItem(r) as string;
        row.score = score.getItem(r) as number | null;
        row.text_sha256 = sha.getItem(r) as string | null;
        row.text_chars = chars.getItem(r) as number | null;
        row.truncated = trunc.getItem(r) as boolean | null;
        row.unknown_token_ratio = unk.getItem(r) as number | null;
        row.embedding = listRow(emb as DuckDBListVector, r, 'f32') ?? new Float32Array(0);
        row.fields = fields.getItem(r) as string | null;
        acc.add(row);
      }
    }
    acc.files += paths.length;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

export function duckDbWindowSource(
  store: ObjectStore,
  model: { name: string; version: string },
  opts: { scratchDir?: string } = {},
): WindowSource {
  const fallback = logWindowSource(store, model);
  return {
    describe: `vigil log ${model.name}@${model.version} (DuckDB)`,
    async loadWindow(range: WindowRange, options: WindowLoadOptions): Promise<MonitorWindow> {
      const keys = await listPredictionKeys(store, {
        model: model.name,
        version: model.version,
        from: new Date(range.fromMs),
        to: new Date(range.toMs),
      });
      const ownScratch = !opts.scratchDir && keys.some((k) => !store.localPath?.(k));
      const scratch = opts.scratchDir ?? (ownScratch ? await mkdtemp(join(tmpdir(), 'vigil-window-')) : '');
      try {
        const files = await materialise(store, keys, scratch);
        const acc = new WindowAccumulator(options.capacity, options.seed, {
          fields: options.fields,
          segmentFields: options.segmentFields,
        });
        if (options.expectDimension !== undefined && options.expectDimension > 0)
          acc.expectDimension(options.expectDimension);
        if (files.length === 0) return acc.build();
        try {
          await scanInto(
            files.map((f) => f.path),
            range,
            acc,
          );
        } catch {
          return await fallback.loadWindow(range, options);
        }
        return acc.build();
      } finally {
        if (ownScratch) await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}
