/**
 * Parquet files that are readable but are not prediction-log files, or are damaged ones: what a
 * fault-injection probe put under predictions/ (issue 15, defects 2-4). Built with hyparquet-writer.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { encodePredictions } from '../../../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../../../functions/lib/records/schema.ts';

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

const bytes = (buf: ArrayBuffer) => new Uint8Array(buf);

/** A file of another shape altogether: its own columns, none of the log's. */
export function foreignSchemaFile(rows = 3): Uint8Array {
  return bytes(
    parquetWriteBuffer({
      columnData: [
        { name: 'customer', data: Array.from({ length: rows }, (_, i) => `c${i}`), type: 'STRING' },
        { name: 'amount', data: Array.from({ length: rows }, (_, i) => i * 1.5), type: 'DOUBLE' },
      ],
    }),
  );
}

/** The log's columns, but `timestamp` is text (a foreign writer): `getTime` is not there. */
export function textTimestampFile(ids: string[]): Uint8Array {
  return bytes(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids, type: 'STRING' },
        { name: 'timestamp', data: ids.map(() => '2026-03-01T12:00:00Z'), type: 'STRING' },
        { name: 'label', data: ids.map(() => 'POSITIVE'), type: 'STRING' },
      ],
    }),
  );
}

const opt = (name: string, type: 'BYTE_ARRAY' | 'DOUBLE', utf8 = false): SchemaElement => ({
  name,
  type,
  repetition_type: 'OPTIONAL',
  ...(utf8 ? { converted_type: 'UTF8' as const } : {}),
});

/** A prediction file whose label, score and embedding are null on every row. */
export function nullColumnsFile(
  ids: string[],
  timestampMs: number,
  model: { name: string; version: string },
): Uint8Array {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 7 },
    { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'timestamp', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'REQUIRED' },
    { name: 'model_name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    { name: 'model_version', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
    opt('label', 'BYTE_ARRAY', true),
    opt('score', 'DOUBLE'),
    { name: 'embedding', converted_type: 'LIST', repetition_type: 'OPTIONAL', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
  ];
  return bytes(
    parquetWriteBuffer({
      schema,
      columnData: [
        { name: 'id', data: ids },
        { name: 'timestamp', data: ids.map(() => new Date(timestampMs)) },
        { name: 'model_name', data: ids.map(() => model.name) },
        { name: 'model_version', data: ids.map(() => model.version) },
        { name: 'label', data: ids.map(() => null) },
        { name: 'score', data: ids.map(() => null) },
        { name: 'embedding', data: ids.map(() => null) },
      ],
    }),
  );
}

/** Well-formed records whose embeddings have `dim` values (another width than the window's). */
export function shortEmbeddingFile(records: PredictionRecord[], dim: number): Uint8Array {
  return encodePredictions(records.map((r) => ({ ...r, embedding: Array.from(r.embedding).slice(0, dim) })));
}

/** A real prediction file cut in half: the footer is gone. */
export function truncatedFile(records: PredictionRecord[]): Uint8Array {
  const whole = encodePredictions(records);
  return whole.slice(0, Math.floor(whole.length / 2));
}
