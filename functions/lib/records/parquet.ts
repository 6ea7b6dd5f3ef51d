/**
 * Parquet encode/decode of the prediction log with hyparquet-writer / hyparquet. One explicit schema so
 * every part file has identical column types: LIST<FLOAT> vectors, TIMESTAMP_MILLIS, snappy pages.
 */
import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ActualRecord, PredictionRecord } from './schema.ts';

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

/** Thrown when a record does not fit the log schema; the handler maps it to a 500 with this code. */
export class InvalidRecordError extends Error {
  readonly code = 'INVALID_RECORD';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRecordError';
  }
}

const str = (name: string, optional = false): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: optional ? 'OPTIONAL' : 'REQUIRED',
});
const prim = (name: string, type: 'INT32' | 'DOUBLE' | 'BOOLEAN', optional = false): SchemaElement => ({
  name,
  type,
  repetition_type: optional ? 'OPTIONAL' : 'REQUIRED',
});
const timestampMillis = (name: string): SchemaElement => ({
  name,
  type: 'INT64',
  converted_type: 'TIMESTAMP_MILLIS',
  repetition_type: 'REQUIRED',
});
// Standard three-level LIST so Athena/Glue, DuckDB and pyarrow all see list<float>.
const floatList = (name: string): SchemaElement[] => [
  { name, converted_type: 'LIST', repetition_type: 'REQUIRED', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
];
const optionalIntList = (name: string): SchemaElement[] => [
  { name, converted_type: 'LIST', repetition_type: 'OPTIONAL', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'INT32', repetition_type: 'REQUIRED' },
];

const PREDICTION_FIELDS: SchemaElement[][] = [
  [str('id')],
  [timestampMillis('timestamp')],
  [str('model_name')],
  [str('model_version')],
  [str('text', true)],
  [str('text_sha256', true)],
  [prim('text_chars', 'INT32', true)],
  [prim('token_count', 'INT32', true)],
  [prim('truncated', 'BOOLEAN', true)],
  [prim('unknown_token_ratio', 'DOUBLE', true)],
  [str('label')],
  [prim('score', 'DOUBLE', true)],
  floatList('probabilities'),
  floatList('embedding'),
  [prim('latency_ms', 'DOUBLE', true)],
  [str('request_id')],
  // JSON object text of the model version's extra fields: one column for every model's fields.
  [str('fields', true)],
  optionalIntList('token_ids'),
];

/** Column names of a prediction file, in file order. */
export const PREDICTION_COLUMNS = PREDICTION_FIELDS.map((f) => f[0].name);

const PREDICTION_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: PREDICTION_FIELDS.length },
  ...PREDICTION_FIELDS.flat(),
];

const ACTUAL_SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 3 },
  str('id'),
  timestampMillis('timestamp'),
  str('label'),
];

// Mostly-distinct columns: a dictionary never pays and min/max prune nothing, so skip both (2x faster).
const UNIQUE = { encoding: 'PLAIN', statistics: false } as const;

const CREATED_BY = 'vigil prediction log (hyparquet-writer)';

function check(ok: boolean, i: number, field: string, want: string): void {
  if (!ok) throw new InvalidRecordError(`record ${i}: ${field} must be ${want}`);
}

function validatePrediction(r: PredictionRecord, i: number): void {
  check(typeof r.id === 'string' && r.id.length > 0, i, 'id', 'a non-empty string');
  check(
    r.timestamp instanceof Date && Number.isFinite(r.timestamp.getTime()),
    i,
    'timestamp',
    'a valid Date',
  );
  for (const f of ['model_name', 'model_version', 'label', 'request_id'] as const) {
    check(typeof r[f] === 'string', i, f, 'a string');
  }
  for (const f of ['text', 'text_sha256'] as const) {
    check(r[f] === null || typeof r[f] === 'string', i, f, 'a string or null');
  }
  for (const f of ['text_chars', 'token_count'] as const) {
    check(r[f] === null || Number.isInteger(r[f]), i, f, 'an integer or null');
  }
  check(r.truncated === null || typeof r.truncated === 'boolean', i, 'truncated', 'a boolean or null');
  for (const f of ['unknown_token_ratio', 'score', 'latency_ms'] as const) {
    check(r[f] === null || typeof r[f] === 'number', i, f, 'a number or null');
  }
  check(Array.isArray(r.probabilities), i, 'probabilities', 'an array of numbers');
  check(Array.isArray(r.embedding) || r.embedding instanceof Float32Array, i, 'embedding', 'an array');
  check(r.fields == null || typeof r.fields === 'object', i, 'fields', 'an object or null');
  check(
    r.token_ids == null || Array.isArray(r.token_ids) || r.token_ids instanceof Int32Array,
    i,
    'token_ids',
    'an array of integers or null',
  );
}

// The writer's Dremel encoder walks plain arrays only; copy typed arrays, pass arrays through.
function plainArray(v: ArrayLike<number>): number[] {
  return Array.isArray(v) ? v : Array.from(v);
}

function toUint8(buf: ArrayBuffer): Uint8Array {
  return new Uint8Array(buf);
}

// hyparquet reads an ArrayBuffer; copy only when the view does not cover its whole buffer.
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
    return bytes.buffer as ArrayBuffer;
  return bytes.slice().buffer as ArrayBuffer;
}

export function encodePredictions(records: readonly PredictionRecord[]): Uint8Array {
  if (records.length === 0) throw new InvalidRecordError('cannot write an empty prediction file');
  records.forEach(validatePrediction);
  const col = <K extends keyof PredictionRecord>(k: K) => records.map((r) => r[k]);
  return toUint8(
    parquetWriteBuffer({
      schema: PREDICTION_SCHEMA,
      createdBy: CREATED_BY,
      columnData: [
        { name: 'id', data: col('id'), ...UNIQUE },
        { name: 'timestamp', data: col('timestamp') },
        { name: 'model_name', data: col('model_name') },
        { name: 'model_version', data: col('model_version') },
        { name: 'text', data: col('text'), ...UNIQUE },
        { name: 'text_sha256', data: col('text_sha256'), ...UNIQUE },
        { name: 'text_chars', data: col('text_chars') },
        { name: 'token_count', data: col('token_count') },
        { name: 'truncated', data: col('truncated') },
        { name: 'unknown_token_ratio', data: col('unknown_token_ratio') },
        { name: 'label', data: col('label') },
        { name: 'score', data: col('score') },
        { name: 'probabilities', data: records.map((r) => plainArray(r.probabilities)), ...UNIQUE },
        { name: 'embedding', data: records.map((r) => plainArray(r.embedding)), ...UNIQUE },
        { name: 'latency_ms', data: col('latency_ms') },
        { name: 'request_id', data: col('request_id'), ...UNIQUE },
        { name: 'fields', data: records.map((r) => (r.fields ? JSON.stringify(r.fields) : null)) },
        {
          name: 'token_ids',
          data: records.map((r) => (r.token_ids ? plainArray(r.token_ids) : null)),
          ...UNIQUE,
        },
      ],
    }),
  );
}

/** A decoded row as it is on disk: `fields` is still JSON text, and files of schema v1 lack the new columns. */
export type RawPrediction = Omit<PredictionRecord, 'embedding' | 'fields' | 'token_ids'> & {
  embedding: number[];
  fields?: string | null;
  token_ids?: number[] | null;
};

export async function decodePredictionRows(bytes: Uint8Array): Promise<RawPrediction[]> {
  return (await parquetReadObjects({ file: toArrayBuffer(bytes) })) as RawPrediction[];
}

/** The `fields` column's JSON text as an object; null when absent or not a JSON object. */
export function parseFieldsColumn(text: string | null | undefined): PredictionRecord['fields'] {
  if (typeof text !== 'string' || text.length === 0) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as PredictionRecord['fields'])
      : null;
  } catch {
    return null;
  }
}

/** A decoded row as a record: fields parsed, embeddings as Float32Array (half the memory). */
export function toPredictionRecord(r: RawPrediction): PredictionRecord {
  return {
    ...r,
    probabilities: Array.from(r.probabilities ?? []),
    embedding: Float32Array.from(r.embedding),
    fields: parseFieldsColumn(r.fields),
    token_ids: r.token_ids ? Array.from(r.token_ids) : null,
  };
}

/** Decodes a prediction file; embeddings come back as Float32Array to halve memory. */
export async function decodePredictions(bytes: Uint8Array): Promise<PredictionRecord[]> {
  return (await decodePredictionRows(bytes)).map(toPredictionRecord);
}

export function encodeActuals(records: readonly ActualRecord[]): Uint8Array {
  if (records.length === 0) throw new InvalidRecordError('cannot write an empty actuals file');
  records.forEach((r, i) => {
    check(typeof r.id === 'string' && r.id.length > 0, i, 'id', 'a non-empty string');
    check(
      r.timestamp instanceof Date && Number.isFinite(r.timestamp.getTime()),
      i,
      'timestamp',
      'a valid Date',
    );
    check(typeof r.label === 'string', i, 'label', 'a string');
  });
  return toUint8(
    parquetWriteBuffer({
      schema: ACTUAL_SCHEMA,
      createdBy: CREATED_BY,
      columnData: [
        { name: 'id', data: records.map((r) => r.id) },
        { name: 'timestamp', data: records.map((r) => r.timestamp) },
        { name: 'label', data: records.map((r) => r.label) },
      ],
    }),
  );
}

export async function decodeActuals(bytes: Uint8Array): Promise<ActualRecord[]> {
  return (await parquetReadObjects({ file: toArrayBuffer(bytes) })) as ActualRecord[];
}
