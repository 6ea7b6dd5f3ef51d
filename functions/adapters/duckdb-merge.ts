/**
 * The fast compaction merger: DuckDB reads the parts and writes the merged file natively (about the
 * cost of a plain COPY). It casts back to TIMESTAMP_MS so the file keeps the log's TIMESTAMP_MILLIS.
 * Before merging it checks the parts as the portable merger does: a part DuckDB cannot read, of
 * another schema, or with a row missing a required column or of another embedding width is left.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { HourMerger, LeftPart } from '../lib/records/compaction.ts';
import { PREDICTION_COLUMNS } from '../lib/records/parquet.ts';
import { materialise } from './duckdb-reader.ts';

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const fileList = (paths: readonly string[]) => `[${paths.map(sqlString).join(', ')}]`;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** DuckDB types a part's columns must have (when present); the first six must be present. */
const REQUIRED = ['id', 'timestamp', 'label', 'embedding', 'model_name', 'model_version'];
const TYPES: Record<string, (t: string) => boolean> = {
  id: (t) => t === 'VARCHAR',
  timestamp: (t) => t.startsWith('TIMESTAMP'),
  model_name: (t) => t === 'VARCHAR',
  model_version: (t) => t === 'VARCHAR',
  text: (t) => t === 'VARCHAR',
  text_sha256: (t) => t === 'VARCHAR',
  text_chars: (t) => t === 'INTEGER',
  token_count: (t) => t === 'INTEGER',
  truncated: (t) => t === 'BOOLEAN',
  unknown_token_ratio: (t) => t === 'DOUBLE',
  label: (t) => t === 'VARCHAR',
  score: (t) => t === 'DOUBLE',
  probabilities: (t) => t === 'FLOAT[]',
  embedding: (t) => t === 'FLOAT[]',
  latency_ms: (t) => t === 'DOUBLE',
  request_id: (t) => t === 'VARCHAR',
  fields: (t) => t === 'VARCHAR',
  token_ids: (t) => t === 'INTEGER[]',
};

/** What is wrong with a part's column types, or null. */
async function schemaProblem(con: DuckDBConnection, path: string): Promise<string | null> {
  const rows = (
    await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`)
  ).getRowObjects();
  const types = new Map(rows.map((r) => [String(r.column_name), String(r.column_type)]));
  for (const c of REQUIRED) if (!types.has(c)) return `column ${c} is missing`;
  for (const [c, t] of types) if (TYPES[c] && !TYPES[c](t)) return `column ${c} is ${t}`;
  return null;
}

/** Splits parts into those that fit the log's column types and those left (unreadable or foreign). */
async function checkSchemas(
  con: DuckDBConnection,
  files: { key: string; path: string }[],
  left: LeftPart[],
): Promise<{ key: string; path: string }[]> {
  // Parts of one hour share a handful of schemas: check one file per distinct footer schema.
  const signature = new Map<string, string>();
  try {
    const rows = (
      await con.runAndReadAll(
        `SELECT file_name, name, type, converted_type, repetition_type FROM parquet_schema(${fileList(files.map((f) => f.path))})`,
      )
    ).getRowObjects();
    for (const r of rows) {
      const file = String(r.file_name);
      signature.set(
        file,
        `${signature.get(file) ?? ''}|${r.name}:${r.type}:${r.converted_type}:${r.repetition_type}`,
      );
    }
  } catch {
    // One unreadable footer fails the whole list: read them one by one to find it.
    for (const f of files) {
      try {
        const rows = (
          await con.runAndReadAll(
            `SELECT name, type, converted_type, repetition_type FROM parquet_schema(${sqlString(f.path)})`,
          )
        ).getRowObjects();
        signature.set(
          f.path,
          rows.map((r) => `${r.name}:${r.type}:${r.converted_type}:${r.repetition_type}`).join('|'),
        );
      } catch (e) {
        left.push({ key: f.key, reason: `is not a readable Parquet file: ${errorText(e)}` });
      }
    }
  }
  const verdict = new Map<string, Promise<string | null>>();
  const ok: { key: string; path: string }[] = [];
  for (const f of files) {
    const sig = signature.get(f.path);
    if (sig === undefined) continue;
    if (!verdict.has(sig))
      verdict.set(
        sig,
        schemaProblem(con, f.path).catch((e) => `is not readable: ${errorText(e)}`),
      );
    const problem = await (verdict.get(sig) as Promise<string | null>);
    if (problem === null) ok.push(f);
    else left.push({ key: f.key, reason: problem });
  }
  return ok;
}

/** Parts with a row that lacks a required value or has another embedding width than most rows. */
async function checkRows(
  con: DuckDBConnection,
  files: { key: string; path: string }[],
  left: LeftPart[],
): Promise<{ key: string; path: string }[]> {
  if (files.length === 0) return files;
  const source = `read_parquet(${fileList(files.map((f) => f.path))}, filename = true, union_by_name = true)`;
  const widest = (
    await con.runAndReadAll(
      `SELECT len(embedding)::INTEGER AS w, count(*) AS n FROM ${source}
       WHERE embedding IS NOT NULL AND len(embedding) > 0 GROUP BY w ORDER BY n DESC, w DESC LIMIT 1`,
    )
  ).getRowObjects();
  const width = widest.length > 0 ? Number(widest[0].w) : 0;
  const bad = (
    await con.runAndReadAll(
      `SELECT filename, count(*)::INTEGER AS n FROM ${source}
       WHERE id IS NULL OR id = '' OR "timestamp" IS NULL OR label IS NULL OR model_name IS NULL
          OR model_version IS NULL OR embedding IS NULL OR len(embedding) <> ${width}
       GROUP BY filename`,
    )
  ).getRowObjects();
  const badFiles = new Map(bad.map((r) => [String(r.filename), Number(r.n)]));
  return files.filter((f) => {
    const n = badFiles.get(f.path);
    if (n !== undefined)
      left.push({
        key: f.key,
        reason: `${n} rows lack a required value or have an embedding width other than ${width}`,
      });
    return n === undefined;
  });
}

export const mergeWithDuckDb: HourMerger = async (store, keys) => {
  const scratch = await mkdtemp(join(tmpdir(), 'vigil-compact-'));
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const left: LeftPart[] = [];
  try {
    const fetched = await materialise(store, keys, scratch, left);
    const files = await checkRows(con, await checkSchemas(con, fetched, left), left);
    if (files.length <= 1) return { bytes: null, records: 0, merged: [], left };
    const out = join(scratch, 'merged.parquet');
    const columns = PREDICTION_COLUMNS.map((c) =>
      c === 'timestamp' ? '"timestamp"::TIMESTAMP_MS AS "timestamp"' : `"${c}"`,
    );
    await con.run(
      `COPY (SELECT ${columns.join(', ')} FROM read_parquet(${fileList(files.map((f) => f.path))}, union_by_name = true)
             QUALIFY row_number() OVER (PARTITION BY id) = 1 ORDER BY "timestamp", id)
       TO ${sqlString(out)} (FORMAT parquet, COMPRESSION snappy)`,
    );
    const count = await con.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(out)})`,
    );
    const records = Number(count.getRowObjects()[0].n);
    return { bytes: new Uint8Array(await readFile(out)), records, merged: files.map((f) => f.key), left };
  } finally {
    con.closeSync();
    instance.closeSync();
    await rm(scratch, { recursive: true, force: true });
  }
};
