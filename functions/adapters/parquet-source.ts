/**
 * A Parquet dataset the user already has (local directory or s3://bucket/prefix, flat or Hive layout)
 * as a WindowSource: only the window's partitions are listed and fetched, DuckDB applies the
 * timestamp predicate (row groups pruned by their statistics) and rows stream chunk by chunk into
 * the WindowAccumulator, so memory stays flat however large the dataset or the window.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DuckDBConnection, DuckDBInstance, DuckDBListVector, DuckDBVector } from '@duckdb/node-api';
import type { ModelVersion } from '../lib/models/model-version.ts';
import type { WindowLoadOptions, WindowRange } from '../lib/monitor/source.ts';
import { type MonitorWindow, WindowAccumulator, type WindowRow } from '../lib/monitor/window.ts';
import { type ColumnInfo, type ColumnKind, planRead, type ReadPlan } from '../lib/sources/columns.ts';
import { SourceSchemaError, SourceUnavailableError } from '../lib/sources/errors.ts';
import type { ConnectedSource, SourceInspection } from '../lib/sources/port.ts';
import { rowMapper } from '../lib/sources/rows.ts';
import { describeSource, type ParquetSourceSpec, parseS3Uri } from '../lib/sources/spec.ts';
import {
  duckDbSelectList,
  duckDbWindowPredicate,
  type EpochUnit,
  guessEpochUnit,
  quoteIdent,
  readParquetCall,
} from '../lib/sources/sql.ts';
import { ALLOCATOR_FLUSH } from './duckdb-settings.ts';
import {
  assertLocalRoot,
  type DatasetTree,
  findDatasetFiles,
  localCopies,
  localTree,
  s3Tree,
} from './parquet-files.ts';

export interface ParquetSourceOptions {
  spec: ParquetSourceSpec;
  model: ModelVersion;
  /** Needed for s3:// URIs. */
  s3?: S3Client;
  /** Where S3 objects are fetched; a fresh temp directory per read when absent. */
  scratchDir?: string;
  /** Files fetched and scanned together; bounds the scratch space. @default 64 */
  filesPerBatch?: number;
  /** Concurrent S3 GETs. @default 8 */
  fetchConcurrency?: number;
  /**
   * DuckDB's memory limit. Rows stream, but a column chunk of a large row group is read whole: at 384
   * floats and 50,000-row groups 256 MB was too little (bench/sources.ts). @default '512MB'
   */
  memoryLimit?: string;
  /**
   * DuckDB threads. Rows must come in file order (the sample is seeded by order), and with several
   * threads DuckDB buffers whole row groups to keep it: at 384 floats a row that overran 512 MB
   * (bench/sources.ts, 1,000,000 rows).
   * @default 1
   */
  threads?: number;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** DuckDB's type name reduced to what the mapping needs. */
export function duckDbColumnKind(type: string): { kind: ColumnKind; length?: number } {
  const t = type.toUpperCase();
  const array = /^(FLOAT|DOUBLE|REAL|FLOAT4|FLOAT8)\[(\d*)\]$/.exec(t);
  if (array) return array[2] ? { kind: 'float_list', length: Number(array[2]) } : { kind: 'float_list' };
  if (t === 'VARCHAR' || t.startsWith('VARCHAR(')) return { kind: 'string' };
  if (/^(U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|U?HUGEINT)$/.test(t)) return { kind: 'integer' };
  if (t === 'FLOAT' || t === 'DOUBLE' || t.startsWith('DECIMAL')) return { kind: 'float' };
  if (t === 'BOOLEAN') return { kind: 'boolean' };
  if (t.startsWith('TIMESTAMP') || t === 'DATE') return { kind: 'timestamp' };
  return { kind: 'other' };
}

/** A row of a list column as a view into the chunk's flat child (the row is known not to be NULL). */
function floatList(v: DuckDBListVector, row: number): ArrayLike<number> {
  // getItem would build, and cache for the whole chunk, a JS array of every value of every row.
  const offset = v.getEntryOffset(row);
  const length = v.getEntryLength(row);
  const child = v.childVector as DuckDBVector & { items?: unknown };
  if (child.items instanceof Float32Array) return child.items.subarray(offset, offset + length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = Number(child.getItem(offset + i));
  return out;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Reads with one DuckDB instance over a set of local files. */
class Scan {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly con: DuckDBConnection,
    readonly from: string,
  ) {}

  static async open(paths: string[], hive: boolean, memoryLimit: string, threads: number): Promise<Scan> {
    // Loaded on use: the log function (declaration checks) bundles this file without the DuckDB layer.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: memoryLimit,
      threads: String(threads),
      ...ALLOCATOR_FLUSH,
    });
    const con = await instance.connect();
    return new Scan(instance, con, readParquetCall(paths, hive));
  }

  async columns(): Promise<ColumnInfo[]> {
    const r = await this.con.runAndReadAll(`DESCRIBE SELECT * FROM ${this.from}`);
    return r
      .getRows()
      .map((row) => ({ name: String(row[0]), type: String(row[1]), ...duckDbColumnKind(String(row[1])) }));
  }

  async firstValue(column: string): Promise<number | null> {
    const c = quoteIdent(column);
    const r = await this.con.runAndReadAll(
      `SELECT CAST(${c} AS DOUBLE) FROM ${this.from} WHERE ${c} IS NOT NULL LIMIT 1`,
    );
    const v = r.getRows()[0]?.[0];
    return typeof v === 'number' ? v : null;
  }

  /** Streams the plan's rows (optionally within the window) to `visit`, chunk by chunk. */
  async stream(
    plan: ReadPlan,
    where: string | null,
    limit: number | null,
    visit: (values: unknown[]) => boolean | undefined,
  ): Promise<void> {
    // A last column says which embeddings are NULL, so a row's list is read without building it.
    const embeddingIsNull =
      plan.embedding.kind === 'list' ? `${quoteIdent(plan.embedding.column)} IS NULL` : 'false';
    const sql =
      `SELECT ${duckDbSelectList(plan)}, ${embeddingIsNull} FROM ${this.from}` +
      (where ? ` WHERE ${where}` : '') +
      (limit !== null ? ` LIMIT ${Math.max(0, Math.floor(limit))}` : '');
    const result = await this.con.stream(sql);
    const width = result.columnCount - 1;
    const values: unknown[] = new Array(width);
    for (
      let chunk = await result.fetchChunk();
      chunk && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      const vectors = Array.from({ length: width + 1 }, (_, i) => chunk.getColumnVector(i));
      const isNull = vectors[width];
      for (let r = 0; r < chunk.rowCount; r++) {
        for (let i = 0; i < width; i++) {
          // The timestamp (1) is only filtered on, by DuckDB: rows.ts does not read it.
          if (i === 1) values[i] = null;
          else if (i === 3)
            values[i] = isNull.getItem(r) ? null : floatList(vectors[i] as DuckDBListVector, r);
          else values[i] = vectors[i].getItem(r);
        }
        if (visit(values) === false) return;
      }
    }
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }
}

export function parquetSource(opts: ParquetSourceOptions): ConnectedSource {
  const { spec, model } = opts;
  const describe = describeSource(spec);
  const hive = spec.layout === 'hive';
  const memoryLimit = opts.memoryLimit ?? '512MB';
  const threads = Math.max(1, Math.floor(opts.threads ?? 1));
  const perBatch = Math.max(1, opts.filesPerBatch ?? 64);

  const tree = (): DatasetTree => {
    if (parseS3Uri(spec.uri)) {
      if (!opts.s3)
        throw new SourceUnavailableError(describe, 'no S3 client was configured for an s3:// source');
      return s3Tree(spec.uri, opts.s3);
    }
    return localTree(spec.uri);
  };

  const withScratch = async <T>(remote: boolean, fn: (dir: string) => Promise<T>): Promise<T> => {
    if (!remote) return fn('');
    if (opts.scratchDir) return fn(await mkdtemp(join(opts.scratchDir, 'source-')));
    const dir = await mkdtemp(join(tmpdir(), 'vigil-source-'));
    try {
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  /** The plan over the files' schema, and the epoch unit of a numeric timestamp column. */
  const prepare = async (
    scan: Scan,
  ): Promise<{
    plan: ReadPlan;
    columns: ColumnInfo[];
    tsKind: 'timestamp' | 'timestamptz' | 'epoch';
    unit: EpochUnit;
  }> => {
    const columns = await scan.columns();
    const plan = planRead(spec, model, columns);
    const ts = columns.find((c) => c.name === plan.timestamp.column) as ColumnInfo;
    const tsKind =
      plan.timestamp.kind === 'epoch'
        ? 'epoch'
        : /WITH TIME ZONE|TIMESTAMPTZ/i.test(ts.type)
          ? 'timestamptz'
          : 'timestamp';
    const unit =
      spec.timestamp_unit ?? (tsKind === 'epoch' ? guessEpochUnit(await scan.firstValue(ts.name)) : 'ms');
    return { plan, columns, tsKind, unit };
  };

  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof SourceSchemaError || e instanceof SourceUnavailableError) throw e;
      // DuckDB's own failures: a file that is not Parquet, or one it cannot open.
      throw new SourceUnavailableError(describe, `DuckDB could not read the dataset: ${message(e)}`);
    }
  };

  return {
    describe,
    async loadWindow(range: WindowRange, options: WindowLoadOptions): Promise<MonitorWindow> {
      const acc = new WindowAccumulator(options.capacity, options.seed, {
        fields: options.fields,
        segmentFields: options.segmentFields,
      });
      // The declaration fixes the width: a row of another one is a schema error, not a silent drop.
      acc.expectDimension(model.embedding_dim);
      const t = tree();
      if (!t.remote) await assertLocalRoot(spec.uri);
      const files = await findDatasetFiles(t, { hive, range });
      await withScratch(t.remote, async (scratch) => {
        for (let i = 0; i < files.length; i += perBatch) {
          const batch = files.slice(i, i + perBatch);
          const paths = await localCopies(t, batch, scratch, opts.fetchConcurrency);
          await guard(async () => {
            const scan = await Scan.open(paths, hive, memoryLimit, threads);
            try {
              const { plan, tsKind, unit } = await prepare(scan);
              const map = rowMapper({ plan, model, labelCodes: spec.labels, hashText: sha256Hex });
              const where = duckDbWindowPredicate(plan.timestamp.column, tsKind, range, unit);
              await scan.stream(plan, where, null, (values) => {
                acc.add(map(values) as WindowRow);
                return undefined;
              });
            } finally {
              scan.close();
            }
          });
          acc.files += batch.length;
          if (t.remote) await Promise.all(paths.map((p) => rm(p, { force: true })));
        }
      });
      return acc.build();
    },

    async inspect(rows: number): Promise<SourceInspection> {
      const t = tree();
      if (!t.remote) await assertLocalRoot(spec.uri);
      const files = await findDatasetFiles(t, { hive, limit: 1 });
      if (files.length === 0)
        throw new SourceUnavailableError(describe, `no Parquet files under ${spec.uri}`);
      return withScratch(t.remote, (scratch) =>
        guard(async () => {
          const paths = await localCopies(t, files, scratch, 1);
          const scan = await Scan.open(paths, hive, memoryLimit, threads);
          try {
            const { plan, columns, tsKind, unit } = await prepare(scan);
            const map = rowMapper({ plan, model, labelCodes: spec.labels, hashText: sha256Hex });
            const sample: WindowRow[] = [];
            await scan.stream(plan, null, rows, (values) => {
              const row = map(values);
              // The chunk's memory is reused after this call; keep a copy.
              sample.push({ ...row, embedding: Float32Array.from(row.embedding) });
              return undefined;
            });
            const notes = [
              `read ${files[0].relative}`,
              `timestamp ${plan.timestamp.column}: ${tsKind}${tsKind === 'epoch' ? ` (${unit})` : ''}`,
            ];
            return { source: describe, columns, plan, sample, notes };
          } finally {
            scan.close();
          }
        }),
      );
    },
  };
}
