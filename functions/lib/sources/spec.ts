/**
 * The `source` block of a model version: where a connected model's records already live (Parquet on
 * disk or S3, a Postgres table or query) and which of the user's columns hold each part of the record.
 * Validated at declaration (the SourceValidator hook of parseModelVersion); reachability is checked by
 * the adapters, outside lib.
 */
import { ModelVersionError } from '../models/errors.ts';
import type { ModelVersion, SourceValidator } from '../models/model-version.ts';

/** The record's parts mapped onto the user's column names. */
export interface SourceColumns {
  id: string;
  timestamp: string;
  label: string;
  /** A list/array/vector column, or `prefix*` for one scalar column per dimension (`emb_*` → emb_0…). */
  embedding: string;
  text?: string;
  score?: string;
  probabilities?: string;
  /** Declared extra field → column. */
  fields?: Record<string, string>;
}

interface SourceCommon {
  columns: SourceColumns;
  /** Integer label codes → label names, e.g. {"0": "negative"}; codes without it index the declared labels. */
  labels?: Record<string, string>;
  /** Unit of a numeric (epoch) timestamp column; without it, values below 1e11 are read as seconds. */
  timestamp_unit?: 's' | 'ms';
}

export interface ParquetSourceSpec extends SourceCommon {
  type: 'parquet';
  /** `s3://bucket/prefix/` or a local directory. */
  uri: string;
  layout: 'hive' | 'flat';
}

export type PostgresConnection = { secret: string } | { env: string };

export interface PostgresSourceSpec extends SourceCommon {
  type: 'postgres';
  connection: PostgresConnection;
  /** `table` or `schema.table`. */
  table?: string;
  /** A SELECT whose rows are the records; the window predicate wraps it. */
  query?: string;
  /** Connect and statement timeout. @default 30000 */
  timeout_ms?: number;
}

export type SourceSpec = ParquetSourceSpec | PostgresSourceSpec;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function fail(path: string, rule: string): never {
  throw new ModelVersionError(path, rule);
}

function onlyKeys(obj: Record<string, unknown>, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(obj))
    if (!allowed.includes(k)) fail(`${path}.${k}`, `unknown key; allowed: ${allowed.join(', ')}`);
}

/** A column name: anything printable up to 63 characters (it is always quoted, never spliced raw). */
const COLUMN = /^[^\p{Cc}"]{1,63}$/u;
const EMBEDDING_PREFIX = /^[^\p{Cc}"*]{1,58}\*$/u;
/** Plain SQL identifiers for tables, so `schema.table` splits unambiguously. */
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function column(raw: unknown, path: string): string {
  if (typeof raw !== 'string' || !COLUMN.test(raw))
    fail(path, 'must be a column name of 1 to 63 characters without quotes or control characters');
  return raw;
}

function parseColumns(raw: unknown, path: string): SourceColumns {
  if (!isObject(raw))
    fail(path, 'must map the record onto your columns: {"id", "timestamp", "label", "embedding", ...}');
  onlyKeys(raw, path, ['id', 'timestamp', 'label', 'embedding', 'text', 'score', 'probabilities', 'fields']);
  const out: SourceColumns = {
    id: column(raw.id, `${path}.id`),
    timestamp: column(raw.timestamp, `${path}.timestamp`),
    label: column(raw.label, `${path}.label`),
    embedding: '',
  };
  if (typeof raw.embedding === 'string' && raw.embedding.endsWith('*')) {
    if (!EMBEDDING_PREFIX.test(raw.embedding))
      fail(`${path}.embedding`, 'a per-dimension mapping is a column prefix followed by "*", e.g. "emb_*"');
    out.embedding = raw.embedding;
  } else out.embedding = column(raw.embedding, `${path}.embedding`);
  for (const k of ['text', 'score', 'probabilities'] as const)
    if (raw[k] !== undefined && raw[k] !== null) out[k] = column(raw[k], `${path}.${k}`);
  if (raw.fields !== undefined && raw.fields !== null) {
    if (!isObject(raw.fields)) fail(`${path}.fields`, 'must map declared field names to columns');
    const fields: Record<string, string> = {};
    for (const [f, c] of Object.entries(raw.fields)) fields[f] = column(c, `${path}.fields.${f}`);
    out.fields = fields;
  }
  return out;
}

function parseLabels(raw: unknown, path: string): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw) || Object.keys(raw).length === 0)
    fail(path, 'must map integer codes to label names, e.g. {"0": "negative", "1": "positive"}');
  const out: Record<string, string> = {};
  for (const [code, name] of Object.entries(raw)) {
    if (!/^-?\d{1,9}$/.test(code)) fail(`${path}.${code}`, 'codes must be integers');
    if (typeof name !== 'string' || name.length === 0) fail(`${path}.${code}`, 'must be a label name');
    out[String(Number(code))] = name;
  }
  return out;
}

function common(raw: Record<string, unknown>, path: string): SourceCommon {
  const out: SourceCommon = { columns: parseColumns(raw.columns, `${path}.columns`) };
  const labels = parseLabels(raw.labels, `${path}.labels`);
  if (labels) out.labels = labels;
  if (raw.timestamp_unit !== undefined && raw.timestamp_unit !== null) {
    if (raw.timestamp_unit !== 's' && raw.timestamp_unit !== 'ms')
      fail(`${path}.timestamp_unit`, 'must be "s" or "ms" (for epoch-number timestamps)');
    out.timestamp_unit = raw.timestamp_unit;
  }
  return out;
}

/** `s3://bucket/prefix` → bucket and prefix (`''` or ending in `/`); null for a local path. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | null {
  if (!uri.startsWith('s3://')) return null;
  const rest = uri.slice(5);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  let prefix = slash < 0 ? '' : rest.slice(slash + 1);
  if (prefix && !prefix.endsWith('/')) prefix += '/';
  return { bucket, prefix };
}

function parseParquet(raw: Record<string, unknown>, path: string): ParquetSourceSpec {
  onlyKeys(raw, path, ['type', 'uri', 'layout', 'columns', 'labels', 'timestamp_unit']);
  const uri = raw.uri;
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > 1024 || uri.includes('\u0000'))
    fail(`${path}.uri`, 'must be "s3://bucket/prefix/" or a local directory');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('s3://'))
    fail(`${path}.uri`, 'only s3:// URIs and local directories are read');
  const s3 = parseS3Uri(uri);
  if (s3 && !BUCKET.test(s3.bucket)) fail(`${path}.uri`, `"${s3.bucket}" is not an S3 bucket name`);
  if (raw.layout !== 'hive' && raw.layout !== 'flat')
    fail(`${path}.layout`, 'must be "hive" (key=value directories) or "flat" (Parquet files under the uri)');
  return { type: 'parquet', uri, layout: raw.layout, ...common(raw, path) };
}

/** A `table` or `schema.table` name, each part a plain identifier. */
export function parseTableName(raw: unknown, path = 'table'): string[] {
  if (typeof raw !== 'string') fail(path, 'must be "table" or "schema.table"');
  const parts = raw.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENT.test(p)))
    fail(path, 'must be "table" or "schema.table" made of letters, digits, "_" and "$"');
  return parts;
}

function parsePostgres(raw: Record<string, unknown>, path: string): PostgresSourceSpec {
  onlyKeys(raw, path, [
    'type',
    'connection',
    'table',
    'query',
    'columns',
    'labels',
    'timestamp_unit',
    'timeout_ms',
  ]);
  const c = raw.connection;
  let connection: PostgresConnection;
  if (!isObject(c) || Object.keys(c).length !== 1)
    fail(`${path}.connection`, 'must be {"env": "VARIABLE"} or {"secret": "<Secrets Manager ARN>"}');
  if (c.env !== undefined) {
    if (typeof c.env !== 'string' || !ENV_NAME.test(c.env))
      fail(`${path}.connection.env`, 'must name an environment variable, e.g. "VIGIL_PG_URL"');
    connection = { env: c.env };
  } else if (c.secret !== undefined) {
    if (typeof c.secret !== 'string' || !SECRET_ARN.test(c.secret))
      fail(`${path}.connection.secret`, 'must be a Secrets Manager secret ARN');
    connection = { secret: c.secret };
  } else fail(`${path}.connection`, 'must be {"env": "VARIABLE"} or {"secret": "<Secrets Manager ARN>"}');
  const hasTable = raw.table !== undefined && raw.table !== null;
  const hasQuery = raw.query !== undefined && raw.query !== null;
  if (hasTable === hasQuery) fail(path, 'give exactly one of "table" and "query"');
  const out: PostgresSourceSpec = { type: 'postgres', connection, ...common(raw, path) };
  if (hasTable) out.table = parseTableName(raw.table, `${path}.table`).join('.');
  else {
    const q = raw.query;
    if (typeof q !== 'string' || !/^\s*(select|with)\b/i.test(q) || q.length > 10_000)
      fail(`${path}.query`, 'must be one SELECT (or WITH … SELECT) statement of at most 10000 characters');
    if (q.replace(/;\s*$/, '').includes(';')) fail(`${path}.query`, 'must be a single statement');
    out.query = q.replace(/;\s*$/, '');
  }
  if (raw.timeout_ms !== undefined && raw.timeout_ms !== null) {
    const t = raw.timeout_ms;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 100 || t > 900_000)
      fail(`${path}.timeout_ms`, 'must be an integer number of milliseconds from 100 to 900000');
    out.timeout_ms = t;
  }
  return out;
}

/** Parses a `source` block; throws ModelVersionError naming the JSON path and the rule. */
export function parseSourceSpec(raw: unknown, path = 'source'): SourceSpec {
  if (!isObject(raw))
    fail(path, 'must be an object like {"type": "parquet", ...} or {"type": "postgres", ...}');
  if (raw.type === 'parquet') return parseParquet(raw, path);
  if (raw.type === 'postgres') return parsePostgres(raw, path);
  return fail(`${path}.type`, 'must be "parquet" or "postgres"');
}

/** The SourceValidator of parseModelVersion: the block as stored (normalised). */
export const validateSourceSpec: SourceValidator = (source, path) =>
  parseSourceSpec(source, path) as unknown as Record<string, unknown>;

/** Checks a source against its model version: mapped fields are declared, declared parts are mapped. */
export function checkSourceAgainstModel(spec: SourceSpec, model: ModelVersion, path = 'source'): void {
  const declared = new Set(model.fields.map((f) => f.name));
  for (const f of Object.keys(spec.columns.fields ?? {}))
    if (!declared.has(f)) fail(`${path}.columns.fields.${f}`, 'is not a declared field of the model version');
  if (spec.columns.probabilities && !model.probabilities)
    fail(`${path}.columns.probabilities`, 'the model version declares no probabilities');
  if (spec.labels) {
    for (const [code, name] of Object.entries(spec.labels))
      if (!model.labels.includes(name))
        fail(`${path}.labels.${code}`, `"${name}" is not a declared label (${model.labels.join(', ')})`);
  }
}

/** The parsed source of a model version, or null when it reads Vigil's log. */
export function sourceOf(model: ModelVersion): SourceSpec | null {
  return model.source ? parseSourceSpec(model.source) : null;
}

/** How the source is named in messages: never a secret, only where to look. */
export function describeSource(spec: SourceSpec): string {
  if (spec.type === 'parquet') return `parquet ${spec.uri}`;
  const where = 'env' in spec.connection ? `env:${spec.connection.env}` : `secret:${spec.connection.secret}`;
  return `postgres ${where} ${spec.table ?? 'query'}`;
}
