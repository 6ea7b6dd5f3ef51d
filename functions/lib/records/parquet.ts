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
const prim = (name: string, type: 'INT32' | 'DOUBLE' | 'BOOLEAN'): SchemaElement => ({
  name,
  type,
  repetition_type: 'REQUIRED',
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

const PREDICTION_FIELDS: SchemaElement[][] = [
  [str('id')],
  [timestampMillis('timestamp')],
  [str('model_name')],
  [str('model_version')],
  [str('text', true)],
  [str('text_sha256')],
  [prim('text_chars', 'INT32')],
  [prim('token_count', 'INT32')],
  [prim('truncated', 'BOOLEAN')],
  [prim('unknown_token_ratio', 'DOUBLE')],
  [str('label')],
  [prim('score', 'DOUBLE')],
  floatList('probabilities'),
  floatList('embedding'),
  [prim('latency_ms', 'DOUBLE')],
  [str('request_id')],
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
  for (const f of ['model_name', 'model_version', 'text_sha256', 'label', 'request_id'] as const) {
    check(typeof r[f] === 'string', i, f, 'a string');
  }
  check(r.text === null || typeof r.text === 'string', i, 'text', 'a string or null');
  check(Number.isInteger(r.text_chars), i, 'text_chars', 'an integer');
  check(Number.isInteger(r.token_count), i, 'token_count', 'an integer');
  check(typeof r.truncated === 'boolean', i, 'truncated', 'a boolean');
  for (const f of ['unknown_token_ratio', 'score', 'latency_ms'] as const) {
    check(typeof r[f] === 'number', i, f, 'a number');
  }
  check(Array.isArray(r.probabilities), i, 'probabilities', 'an array of numbers');
  check(Array.isArray(r.embedding) || r.embedding instanceof Float32Array, i, 'embedding', 'an array');
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
      ],
    }),
  );
}

type RawPrediction = Omit<PredictionRecord, 'embedding'> & { embedding: number[] };

export async function decodePredictionRows(bytes: Uint8Array): Promise<RawPrediction[]> {
  return (await parquetReadObjects({ file: toArrayBuffer(bytes) })) as RawPrediction[];
}

/** Decodes a prediction file; embeddings come back as Float32Array to halve memory. */
export async function decodePredictions(bytes: Uint8Array): Promise<PredictionRecord[]> {
  const rows = await decodePredictionRows(bytes);
  return rows.map((r) => ({
    ...r,
    probabilities: Array.from(r.probabilities),
    embedding: Float32Array.from(r.embedding),
  }));
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
