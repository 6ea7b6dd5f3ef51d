/**
 * The fast compaction merger: DuckDB reads the parts and writes the merged file natively (about the
 * cost of a plain COPY). It casts back to TIMESTAMP_MS so the file keeps the log's TIMESTAMP_MILLIS.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { HourMerger } from '../lib/records/compaction.ts';
import { PREDICTION_COLUMNS } from '../lib/records/parquet.ts';
import { materialise } from './duckdb-reader.ts';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

export const mergeWithDuckDb: HourMerger = async (store, keys) => {
  const scratch = await mkdtemp(join(tmpdir(), 'vigil-compact-'));
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    const files = await materialise(store, keys, scratch);
    if (files.length <= 1) return null;
    const out = join(scratch, 'merged.parquet');
    const columns = PREDICTION_COLUMNS.map((c) =>
      c === 'timestamp' ? '"timestamp"::TIMESTAMP_MS AS "timestamp"' : `"${c}"`,
    );
    await con.run(
      `COPY (SELECT ${columns.join(', ')} FROM read_parquet([${files.map((f) => sqlString(f.path)).join(', ')}])
             QUALIFY row_number() OVER (PARTITION BY id) = 1 ORDER BY "timestamp", id)
       TO ${sqlString(out)} (FORMAT parquet, COMPRESSION snappy)`,
    );
    const count = await con.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(out)})`,
    );
    const records = Number(count.getRowObjects()[0].n);
    return { bytes: new Uint8Array(await readFile(out)), records, merged: files.map((f) => f.key) };
  } finally {
    con.closeSync();
    instance.closeSync();
    await rm(scratch, { recursive: true, force: true });
  }
};
