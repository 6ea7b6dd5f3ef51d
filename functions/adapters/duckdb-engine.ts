/**
 * The query port on DuckDB over local Parquet: the window's part files (the store's own files, or copies
 * fetched into a scratch directory: no httpfs in Lambda) scanned with read_parquet and Hive partitioning,
 * so the same SQL that runs on Athena over the Glue table runs here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { LogScope, QueryEngine, QueryResult, QueryValue } from '../lib/query/port.ts';
import { QueryFailedError } from '../lib/query/port.ts';
import { str } from '../lib/query/sql.ts';
import { assertPartitionValue } from '../lib/records/layout.ts';
import { listPredictionKeys } from '../lib/records/read.ts';
import type { ObjectStore } from '../lib/records/store.ts';
import { materialise } from './duckdb-reader.ts';

export interface DuckDbEngineOptions {
  /** Where a remote store's objects are copied; a temp dir is made (and removed by close) if absent. */
  scratchDir?: string;
  /** DuckDB's memory_limit, e.g. '1GB'. @default DuckDB's (80% of RAM) */
  memoryLimit?: string;
  /** @default DuckDB's (one per core) */
  threads?: number;
}

function toQueryValue(v: unknown): QueryValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'bigint' ? Number(x) : (x as number)));
  return String(v);
}

/** Column-wise result of one statement. */
async function run(con: DuckDBConnection, sql: string): Promise<QueryResult> {
  let reader: Awaited<ReturnType<DuckDBConnection['runAndReadAll']>>;
  try {
    reader = await con.runAndReadAll(sql);
  } catch (e) {
    throw new QueryFailedError('QUERY_FAILED', `DuckDB: ${e instanceof Error ? e.message : String(e)}`);
  }
  const columns = reader.columnNames();
  const raw = reader.getColumnsJS();
  const values: Record<string, QueryValue[]> = {};
  columns.forEach((name, i) => {
    // Converted in place: a window's scalar columns are millions of values, one copy is enough.
    const col = raw[i] as unknown[];
    for (let j = 0; j < col.length; j++) col[j] = toQueryValue(col[j]);
    values[name] = col as QueryValue[];
  });
  return { columns, values, rowCount: reader.currentRowCount };
}

/** Chunk by chunk (DuckDB's vectors of up to 2,048 rows), converted as they come. */
async function stream(
  con: DuckDBConnection,
  sql: string,
  onChunk: (chunk: QueryResult) => void,
): Promise<void> {
  let result: Awaited<ReturnType<DuckDBConnection['stream']>>;
  try {
    result = await con.stream(sql);
  } catch (e) {
    throw new QueryFailedError('QUERY_FAILED', `DuckDB: ${e instanceof Error ? e.message : String(e)}`);
  }
  const columns = result.columnNames();
  for (
    let chunk = await result.fetchChunk();
    chunk && chunk.rowCount > 0;
    chunk = await result.fetchChunk()
  ) {
    const raw = chunk.getColumns();
    const values: Record<string, QueryValue[]> = {};
    columns.forEach((name, i) => {
      values[name] = raw[i].map(toQueryValue);
    });
    onChunk({ columns, values, rowCount: chunk.rowCount });
  }
}

export interface DuckDbEngine extends QueryEngine {
  close(): Promise<void>;
}

/**
 * A connection with its own spill directory: an in-memory database spills to `.tmp` in the working
 * directory by default, which concurrent processes would share (and corrupt each other's blocks).
 */
async function open(options: Pick<DuckDbEngineOptions, 'memoryLimit' | 'threads'>) {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const spill = await mkdtemp(join(tmpdir(), 'vigil-duckdb-spill-'));
  await con.run(`SET temp_directory = ${str(spill)}`);
  if (options.memoryLimit) await con.run(`SET memory_limit = ${str(options.memoryLimit)}`);
  if (options.threads) await con.run(`SET threads = ${Math.max(1, Math.floor(options.threads))}`);
  return {
    con,
    async close() {
      con.closeSync();
      instance.closeSync();
      await rm(spill, { recursive: true, force: true });
    },
  };
}

/** A DuckDB engine over the prediction log of `store`. */
export async function createDuckDbEngine(
  store: ObjectStore,
  options: DuckDbEngineOptions = {},
): Promise<DuckDbEngine> {
  const { con, close } = await open(options);
  let scratch = options.scratchDir;
  let ownScratch = false;
  return {
    dialect: 'duckdb',
    async relation(scope: LogScope) {
      const keys = await listPredictionKeys(store, {
        model: scope.model,
        version: scope.version,
        from: new Date(scope.fromMs),
        to: new Date(scope.toMs),
      });
      if (keys.length === 0) return null;
      if (!scratch) {
        scratch = await mkdtemp(join(tmpdir(), 'vigil-sql-'));
        ownScratch = true;
      }
      const files = await materialise(store, keys, scratch);
      if (files.length === 0) return null;
      const list = files.map((f) => str(f.path)).join(', ');
      // Partition values stay VARCHAR, as in the Glue table; files without fields/token_ids read as NULL.
      return `read_parquet([${list}], hive_partitioning = true, hive_types_autocast = false, union_by_name = true)`;
    },
    query: (sql) => run(con, sql),
    stream: (sql, onChunk) => stream(con, sql, onChunk),
    async close() {
      await close();
      if (ownScratch && scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** A DuckDB engine over Parquet files already on disk under `root` (Hive layout from `predictions/`). */
export async function createDuckDbEngineOverFiles(
  root: string,
  options: Pick<DuckDbEngineOptions, 'memoryLimit' | 'threads'> = {},
): Promise<DuckDbEngine> {
  const { con, close } = await open(options);
  return {
    dialect: 'duckdb',
    async relation(scope: LogScope) {
      const model = assertPartitionValue('model name', scope.model);
      const version = assertPartitionValue('model version', scope.version);
      const glob = join(root, 'predictions', `model=${model}`, `version=${version}`, '**', '*.parquet');
      return `read_parquet(${str(glob)}, hive_partitioning = true, hive_types_autocast = false, union_by_name = true)`;
    },
    query: (sql) => run(con, sql),
    stream: (sql, onChunk) => stream(con, sql, onChunk),
    close,
  };
}
