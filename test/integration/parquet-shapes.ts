/**
 * Parquet datasets in the shapes users have, written by DuckDB for the connected-source tests:
 * embeddings as LIST<FLOAT>, LIST<DOUBLE>, fixed-size ARRAY or one scalar column per dimension
 * (the pandas habit, with its `__index_level_0__`), timestamps as TIMESTAMP of any unit, TIMESTAMPTZ
 * or epoch numbers, flat or Hive-partitioned by date and hour. Rows keep their time order in each file.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { asJsonLines, type ConnectedRecord, DIM } from '../e2e/helpers/connected-records.ts';

export type EmbeddingShape = 'list_float' | 'list_double' | 'array' | 'scalars' | 'scalars_double';
export type TimestampShape =
  | 'timestamp_us'
  | 'timestamp_ns'
  | 'timestamp_ms'
  | 'timestamptz'
  | 'epoch_ms'
  | 'epoch_s';

export interface ShapeOptions {
  embedding: EmbeddingShape;
  timestamp: TimestampShape;
  layout: 'flat' | 'hive';
  /** Labels as integer codes instead of names. @default false */
  labelCodes?: boolean;
  /** Embedding width written (to make a wrong-width dataset). @default DIM */
  dim?: number;
  /** Flat layout: rows per file. @default all in one */
  rowsPerFile?: number;
}

function tsExpr(shape: TimestampShape): string {
  const ts = 'make_timestamp(ts_ms * 1000)';
  switch (shape) {
    case 'timestamp_us':
      return ts;
    case 'timestamp_ns':
      return `CAST(${ts} AS TIMESTAMP_NS)`;
    case 'timestamp_ms':
      return `CAST(${ts} AS TIMESTAMP_MS)`;
    case 'timestamptz':
      return `CAST(to_timestamp(ts_ms / 1000.0) AS TIMESTAMPTZ)`;
    case 'epoch_ms':
      return 'ts_ms';
    case 'epoch_s':
      return 'ts_ms / 1000.0';
  }
}

function embeddingExpr(shape: EmbeddingShape, dim: number): string {
  const src = dim === DIM ? 'embedding' : `embedding[1:${dim}]`;
  switch (shape) {
    case 'list_float':
      return `CAST(${src} AS FLOAT[]) AS vec`;
    case 'list_double':
      return `${src} AS vec`;
    case 'array':
      return `CAST(${src} AS FLOAT[${dim}]) AS vec`;
    case 'scalars':
    case 'scalars_double': {
      const t = shape === 'scalars' ? 'FLOAT' : 'DOUBLE';
      return Array.from({ length: dim }, (_, k) => `CAST(embedding[${k + 1}] AS ${t}) AS emb_${k}`).join(
        ', ',
      );
    }
  }
}

/** The `columns` mapping of a source over a dataset written with these options. */
export function shapeColumns(opts: ShapeOptions): Record<string, unknown> {
  return {
    id: 'prediction_id',
    timestamp: 'created_at',
    label: 'predicted_label',
    embedding: opts.embedding.startsWith('scalars') ? 'emb_*' : 'vec',
    text: 'review_text',
    score: 'confidence',
    fields: { language: 'lang' },
  };
}

/** Writes `records` (time-ordered) as a Parquet dataset under `dir`; returns the files written. */
export async function writeParquetDataset(
  records: ConnectedRecord[],
  dir: string,
  opts: ShapeOptions,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const jsonl = join(dir, '..', `.records-${process.pid}-${Date.now()}.jsonl`);
  await writeFile(jsonl, asJsonLines(records));
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const written: string[] = [];
  try {
    await con.run(
      `CREATE TABLE r AS SELECT * FROM read_json('${jsonl}', format = 'newline_delimited', columns = {id: 'VARCHAR', ts_ms: 'BIGINT', label: 'VARCHAR', label_code: 'INTEGER', score: 'DOUBLE', text: 'VARCHAR', language: 'VARCHAR', embedding: 'DOUBLE[]'})`,
    );
    const pandasIndex = opts.embedding.startsWith('scalars')
      ? 'row_number() OVER (ORDER BY ts_ms) - 1 AS __index_level_0__, '
      : '';
    const select = (where: string) =>
      `SELECT ${pandasIndex}id AS prediction_id, ${tsExpr(opts.timestamp)} AS created_at, ` +
      `${opts.labelCodes ? 'label_code' : 'label'} AS predicted_label, score AS confidence, text AS review_text, ` +
      `language AS lang, ${embeddingExpr(opts.embedding, opts.dim ?? DIM)} FROM r WHERE ${where} ORDER BY ts_ms`;
    const copy = async (where: string, path: string) => {
      await mkdir(dirname(path), { recursive: true });
      await con.run(`COPY (${select(where)}) TO '${path}' (FORMAT parquet)`);
      written.push(path);
    };
    if (opts.layout === 'flat') {
      const per = opts.rowsPerFile ?? records.length;
      for (let i = 0, part = 0; i < records.length; i += per, part++) {
        const from = records[i].timestampMs;
        const to = records[Math.min(i + per, records.length) - 1].timestampMs;
        await copy(
          `ts_ms >= ${from} AND ts_ms <= ${to}`,
          join(dir, `part-${String(part).padStart(5, '0')}.parquet`),
        );
      }
    } else {
      const hours = [...new Set(records.map((r) => Math.floor(r.timestampMs / 3_600_000)))].sort(
        (a, b) => a - b,
      );
      for (const h of hours) {
        const iso = new Date(h * 3_600_000).toISOString();
        await copy(
          `ts_ms >= ${h * 3_600_000} AND ts_ms < ${(h + 1) * 3_600_000}`,
          join(dir, `date=${iso.slice(0, 10)}`, `hour=${iso.slice(11, 13)}`, 'data_0.parquet'),
        );
      }
    }
  } finally {
    con.closeSync();
    instance.closeSync();
    await import('node:fs/promises').then((fs) => fs.rm(jsonl, { force: true }));
  }
  return written;
}

/** Uploads every file under `dir` to `s3://bucket/prefix/<relative path>`. */
export async function uploadDirectory(
  client: S3Client,
  dir: string,
  bucket: string,
  prefix: string,
): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  let n = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    const key = `${prefix}${relative(dir, path).split('\\').join('/')}`;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(path) }));
    n++;
  }
  return n;
}
