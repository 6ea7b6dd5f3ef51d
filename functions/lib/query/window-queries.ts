/**
 * Every SQL statement of a monitoring run over the prediction log, for DuckDB and Athena alike: the
 * window's shape, its per-row scalars, the embedding sums, a sample chosen by a hash of the id, per-segment
 * samples, and the summary aggregates (counts, rates, label shares, histograms, per-field counts).
 * Pure text builders; the engines only run them.
 */
import { assertPartitionValue, datesInRange } from '../records/layout.ts';
import type { LogScope } from './port.ts';
import { dialectFunctions, ident, int, type SqlDialect, str, timestamp } from './sql.ts';

export interface WindowSql {
  dialect: SqlDialect;
  /** The engine's FROM target (QueryEngine.relation). */
  relation: string;
  scope: LogScope;
  /** Keep one row per id (first by timestamp); only needed when ids repeat, it costs a window function. */
  dedupe?: boolean;
  /** Keep only rows whose embedding has this width (the window's); unset keeps all rows. */
  dim?: number;
}

const E = ident('embedding');
const TS = ident('timestamp');
const ID = ident('id');

/** Partition pruning (model, version, date) plus the exact time range. */
export function windowFilter(w: Pick<WindowSql, 'scope'>): string {
  const { scope } = w;
  const model = assertPartitionValue('model name', scope.model);
  const version = assertPartitionValue('model version', scope.version);
  const dates = datesInRange(scope.fromMs, scope.toMs).map(str);
  return [
    `${ident('model')} = ${str(model)}`,
    `${ident('version')} = ${str(version)}`,
    dates.length > 0 ? `${ident('date')} IN (${dates.join(', ')})` : 'FALSE',
    `${TS} >= ${timestamp(scope.fromMs)}`,
    `${TS} < ${timestamp(scope.toMs)}`,
  ].join(' AND ');
}

/** `WITH w AS (...)`: the window's rows, deduplicated and width-filtered when asked. Reference it once. */
function windowCte(w: WindowSql): string {
  return `WITH w AS ${windowRows(w)}`;
}

/**
 * The window's rows as a parenthesised subquery. A query that reads the window twice inlines it twice:
 * an engine may materialise a CTE referenced more than once (DuckDB does), i.e. copy every embedding.
 */
function windowRows(w: WindowSql): string {
  const f = dialectFunctions(w.dialect);
  const width = w.dim === undefined ? '' : ` AND ${f.length(E)} = ${int(w.dim)}`;
  const base = `SELECT * FROM ${w.relation} WHERE ${windowFilter(w)}${width}`;
  if (!w.dedupe) return `(${base})`;
  return (
    `(SELECT * FROM (SELECT b.*, row_number() OVER (PARTITION BY ${ID} ORDER BY ${TS}) AS vigil_rn ` +
    `FROM (${base}) b) d WHERE vigil_rn = 1)`
  );
}

/** Rows, distinct ids (whether the window needs deduplication) and files read. Reads the id column only. */
export function countQuery(w: WindowSql): string {
  const file = dialectFunctions(w.dialect).sourceFile;
  return (
    `SELECT count(*) AS row_count, count(DISTINCT ${ID}) AS id_count, count(DISTINCT ${file}) AS file_count ` +
    `FROM ${w.relation} WHERE ${windowFilter(w)}`
  );
}

/** Embedding widths with their row counts, the width of the earliest row first (the window's width). */
export function widthsQuery(w: WindowSql): string {
  const f = dialectFunctions(w.dialect);
  return (
    `${windowCte({ ...w, dim: undefined })} SELECT ${f.length(E)} AS dim, count(*) AS n FROM w ` +
    `GROUP BY ${f.length(E)} ORDER BY min(${TS}), count(*) DESC`
  );
}

/** The scalar columns of every row, in time order (then id). */
export function rowsQuery(w: WindowSql): string {
  const cols = [
    'id',
    'label',
    'score',
    'text_chars',
    'token_count',
    'truncated',
    'unknown_token_ratio',
    'text_sha256',
    'fields',
  ].map(ident);
  return `${windowCte(w)} SELECT ${cols.join(', ')} FROM w ORDER BY ${TS}, ${ID}`;
}

/** Sum of every embedding coordinate and of the squared norms, in one pass; needs the window's width. */
export function embeddingSumsQuery(w: WindowSql & { dim: number }): string {
  const f = dialectFunctions(w.dialect);
  const sums = Array.from({ length: w.dim }, (_, k) => `sum(${f.element(E, k + 1)}) AS s${k}`);
  return (
    `${windowCte(w)} SELECT count(*) AS n, sum(${f.squaredNorm(E)}) AS squared_norm_sum, ` +
    `${sums.join(', ')} FROM w`
  );
}

/** The hash a row's sampling order comes from: MD5 of seed and id, so a re-run picks the same rows. */
function sampleKey(dialect: SqlDialect, seed: number): string {
  return dialectFunctions(dialect).md5Hex(`${str(`${int(seed)}:`)} || ${ID}`);
}

/**
 * At most `capacity` rows with the smallest hashes: a uniform, deterministic sample of the window. The ids
 * are picked on narrow columns first and the embeddings read with a semi-join on them, so no engine
 * sorts, joins or holds every embedding. Rows come in no particular order.
 */
export function sampleQuery(w: WindowSql, capacity: number, seed: number): string {
  const cols = ['id', 'text', 'token_ids', 'embedding'].map(ident).join(', ');
  return (
    `SELECT ${cols} FROM ${windowRows(w)} w WHERE ${ID} IN ` +
    `(SELECT ${ID} FROM ${windowRows(w)} p ORDER BY ${sampleKey(w.dialect, seed)} LIMIT ${int(capacity)})`
  );
}

/**
 * Per value of a segment field (the `maxValues` most frequent), at most `capacity` rows by the same hash,
 * picked on narrow columns, embeddings read with a semi-join. Values come back as strings (a number's or
 * boolean's JSON text); rows in no particular order.
 */
export function segmentSampleQuery(
  w: WindowSql,
  field: string,
  capacity: number,
  maxValues: number,
  seed: number,
): string {
  const f = dialectFunctions(w.dialect);
  const value = f.jsonString(ident('fields'), field);
  const sv =
    `(SELECT ${value} AS segment, ${ID}, ` +
    `row_number() OVER (PARTITION BY ${value} ORDER BY ${sampleKey(w.dialect, seed)}) AS vigil_pick ` +
    `FROM ${windowRows(w)} p WHERE ${value} IS NOT NULL)`;
  return (
    `WITH sv AS ${sv}, top AS (SELECT segment FROM sv GROUP BY segment ` +
    `ORDER BY count(*) DESC, segment LIMIT ${int(maxValues)}), ` +
    `picked AS (SELECT sv.${ID} FROM sv JOIN top ON sv.segment = top.segment WHERE sv.vigil_pick <= ${int(capacity)}) ` +
    `SELECT ${value} AS segment, ${ID}, ${E} FROM ${windowRows(w)} w WHERE ${ID} IN (SELECT ${ID} FROM picked)`
  );
}

/** Counts and rates of the window: rows, distinct texts, empty texts, truncation, unknown tokens, scores. */
export function summaryQuery(w: WindowSql): string {
  const c = (col: string) => ident(col);
  return (
    `${windowCte(w)} SELECT count(*) AS n, ` +
    `count(${c('score')}) AS with_score, count(${c('text_chars')}) AS with_text, ` +
    `count(${c('unknown_token_ratio')}) AS with_tokens, ` +
    `sum(CASE WHEN ${c('text_chars')} = 0 THEN 1 ELSE 0 END) AS empty_texts, ` +
    `sum(CASE WHEN ${c('truncated')} THEN 1 ELSE 0 END) AS truncated, ` +
    `avg(${c('unknown_token_ratio')}) AS mean_unknown_token_ratio, ` +
    `avg(${c('score')}) AS mean_score, avg(CAST(${c('text_chars')} AS DOUBLE)) AS mean_text_chars, ` +
    `count(DISTINCT ${c('text_sha256')}) AS distinct_texts FROM w`
  );
}

/** Rows per predicted label. */
export function labelCountsQuery(w: WindowSql): string {
  return `${windowCte(w)} SELECT ${ident('label')} AS label, count(*) AS n FROM w GROUP BY ${ident('label')} ORDER BY label`;
}

/** Scores in `bins` equal bins over [0, 1] (a score of exactly 1 falls in the last). */
export function scoreHistogramQuery(w: WindowSql, bins: number): string {
  const b = int(bins);
  const bin = `least(CAST(floor(${ident('score')} * ${b}) AS INTEGER), ${b} - 1)`;
  return `${windowCte(w)} SELECT ${bin} AS bin, count(*) AS n FROM w WHERE ${ident('score')} IS NOT NULL GROUP BY ${bin} ORDER BY bin`;
}

/** Text lengths in powers of two: bin k holds lengths in [2^k - 1, 2^(k+1) - 1). */
export function lengthHistogramQuery(w: WindowSql): string {
  const bin = `CAST(floor(ln(${ident('text_chars')} + 1) / ln(2)) AS INTEGER)`;
  return `${windowCte(w)} SELECT ${bin} AS bin, count(*) AS n FROM w WHERE ${ident('text_chars')} IS NOT NULL GROUP BY ${bin} ORDER BY bin`;
}

/** Rows per value of a declared extra field (null values counted as their own group). */
export function fieldCountsQuery(w: WindowSql, field: string): string {
  const value = dialectFunctions(w.dialect).jsonString(ident('fields'), field);
  return `${windowCte(w)} SELECT ${value} AS value, count(*) AS n FROM w GROUP BY ${value} ORDER BY n DESC, value`;
}
