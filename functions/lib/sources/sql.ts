/**
 * SQL text of a connected source's window read, for DuckDB over Parquet and for Postgres. Identifiers
 * come from the declaration and are always quoted; the window bounds are numbers we computed (DuckDB)
 * or bind parameters $1 and $2 (Postgres); nothing a user typed is spliced in unquoted.
 */
import type { ReadPlan } from './columns.ts';
import { parseTableName } from './spec.ts';

/** `"name"` with embedded quotes doubled (valid for DuckDB and Postgres). */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\u0000'))
    throw new Error(`invalid identifier ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** `'text'` with embedded quotes doubled. */
export function quoteLiteral(text: string): string {
  if (text.includes('\u0000')) throw new Error('a string literal cannot hold NUL');
  return `'${text.replace(/'/g, "''")}'`;
}

function finite(n: number, what: string): number {
  if (!Number.isFinite(n)) throw new Error(`${what} must be a finite number, got ${n}`);
  return n;
}

/**
 * Postgres's SELECT list of a plan (the row order rows.ts reads): the embedding as its text form
 * (per-dimension columns gathered into one float8[] first); every identifier quoted.
 */
export function postgresSelectList(plan: ReadPlan): string {
  const q = quoteIdent;
  const parts = [q(plan.id), q(plan.timestamp.column), q(plan.label.column)];
  // As text ({…}, […]): one split and Number() per value beats building a JS array per row.
  if (plan.embedding.kind === 'list') parts.push(`${q(plan.embedding.column)}::text`);
  else parts.push(`ARRAY[${plan.embedding.columns.map(q).join(', ')}]::float8[]::text`);
  if (plan.text) parts.push(q(plan.text));
  if (plan.score) parts.push(q(plan.score));
  for (const f of plan.fields) parts.push(q(f.column));
  return parts.join(', ');
}

export type EpochUnit = 's' | 'ms';

/**
 * DuckDB's predicate on the timestamp column for [fromMs, toMs). A TIMESTAMP of any unit compares with
 * a microsecond literal; TIMESTAMPTZ with to_timestamp; epoch numbers in their own unit — so Parquet
 * row-group statistics still prune.
 */
export function duckDbWindowPredicate(
  column: string,
  kind: 'timestamp' | 'timestamptz' | 'epoch',
  range: { fromMs: number; toMs: number },
  unit: EpochUnit = 'ms',
): string {
  const c = quoteIdent(column);
  const from = finite(range.fromMs, 'window start');
  const to = finite(range.toMs, 'window end');
  if (kind === 'timestamp')
    return `${c} >= make_timestamp(${Math.round(from * 1000)}::BIGINT) AND ${c} < make_timestamp(${Math.round(to * 1000)}::BIGINT)`;
  if (kind === 'timestamptz')
    return `${c} >= to_timestamp(${from / 1000}) AND ${c} < to_timestamp(${to / 1000})`;
  const scale = unit === 's' ? 1000 : 1;
  return `${c} >= ${from / scale} AND ${c} < ${to / scale}`;
}

/** `read_parquet([...files], hive_partitioning = …, union_by_name = true)` over local paths. */
export function readParquetCall(paths: readonly string[], hive: boolean): string {
  if (paths.length === 0) throw new Error('read_parquet needs at least one file');
  return `read_parquet([${paths.map(quoteLiteral).join(', ')}], hive_partitioning = ${hive}, union_by_name = true)`;
}

/** The relation a Postgres source reads: its table, or its query as a subquery. */
export function postgresRelation(source: { table?: string; query?: string }): string {
  if (source.table) return parseTableName(source.table).map(quoteIdent).join('.');
  if (source.query) return `(${source.query}) AS vigil_source`;
  throw new Error('a postgres source needs a table or a query');
}

/**
 * The window read of a Postgres source: bounds bound as $1 and $2 (timestamptz, or numbers for epoch
 * columns), ordered by time so the run's sample does not depend on the table's physical order.
 */
export function postgresWindowQuery(plan: ReadPlan, source: { table?: string; query?: string }): string {
  const ts = quoteIdent(plan.timestamp.column);
  return (
    `SELECT ${postgresSelectList(plan)} FROM ${postgresRelation(source)} ` +
    `WHERE ${ts} >= $1 AND ${ts} < $2 ORDER BY ${ts}, ${quoteIdent(plan.id)}`
  );
}

/** No rows, only the columns and their types. */
export function postgresSchemaQuery(source: { table?: string; query?: string }): string {
  return `SELECT * FROM ${postgresRelation(source)} LIMIT 0`;
}

/** Epoch bounds of a window in a numeric timestamp column's unit. */
export function epochBounds(range: { fromMs: number; toMs: number }, unit: EpochUnit): [number, number] {
  const scale = unit === 's' ? 1000 : 1;
  return [finite(range.fromMs, 'window start') / scale, finite(range.toMs, 'window end') / scale];
}

/** The unit of epoch numbers when the declaration gives none: below 1e11 they are seconds (year 5138). */
export function guessEpochUnit(sample: number | null): EpochUnit {
  return sample !== null && Math.abs(sample) < 1e11 ? 's' : 'ms';
}

/**
 * DuckDB's SELECT list of a plan, in the plan's value order: ids as text, embeddings of any shape as
 * one FLOAT[] (per-dimension columns gathered with list_value), numbers as DOUBLE.
 */
export function duckDbSelectList(plan: ReadPlan): string {
  const q = quoteIdent;
  const parts = [`CAST(${q(plan.id)} AS VARCHAR)`, q(plan.timestamp.column), q(plan.label.column)];
  if (plan.embedding.kind === 'list') parts.push(`CAST(${q(plan.embedding.column)} AS FLOAT[])`);
  else parts.push(`CAST(list_value(${plan.embedding.columns.map(q).join(', ')}) AS FLOAT[])`);
  if (plan.text) parts.push(`CAST(${q(plan.text)} AS VARCHAR)`);
  if (plan.score) parts.push(`CAST(${q(plan.score)} AS DOUBLE)`);
  for (const f of plan.fields)
    parts.push(
      f.type === 'number'
        ? `CAST(${q(f.column)} AS DOUBLE)`
        : f.type === 'boolean'
          ? `CAST(${q(f.column)} AS BOOLEAN)`
          : `CAST(${q(f.column)} AS VARCHAR)`,
    );
  return parts.join(', ');
}
