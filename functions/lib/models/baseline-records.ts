/**
 * A baseline for a model Vigil does not run: records that already carry their embeddings (a JSONL or
 * Parquet file in the POST /log record shape, optionally with the true label as `actual`), validated
 * against the model version like logged records.
 */
import type { ActualRecord, PredictionRecord } from '../records/schema.ts';
import { SchemaMismatchError } from './errors.ts';
import { buildLoggedRecords } from './logged-records.ts';
import type { ModelVersion } from './model-version.ts';

export interface EmbeddedBaseline {
  records: PredictionRecord[];
  actuals: ActualRecord[];
}

/** Lines of a .jsonl file as objects; the error names the line. */
export function parseJsonLines(content: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  content.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw new SchemaMismatchError(i, 'line', `line ${i + 1} is not valid JSON: ${(err as Error).message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      throw new SchemaMismatchError(i, 'line', `line ${i + 1} must be a JSON object`);
    out.push(v as Record<string, unknown>);
  });
  return out;
}

const RECORD_KEYS = ['id', 'timestamp', 'text', 'embedding', 'label', 'score', 'probabilities', 'fields'];

/** Rows (from JSONL or a Parquet file) made into baseline records; `actual` becomes a true label. */
export function buildEmbeddedBaseline(
  rows: readonly Record<string, unknown>[],
  model: ModelVersion,
  ctx: { nowMs: number; newId: () => string; hashText: (t: string) => string; storeText: boolean },
): EmbeddedBaseline {
  const actualOf: (string | null)[] = [];
  const cleaned = rows.map((row, i) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      if (k === 'actual') continue;
      // Parquet writers turn absent optional columns into nulls: treat them as absent.
      if (v === null && k !== 'fields') continue;
      if (!RECORD_KEYS.includes(k) && k !== 'actual')
        throw new SchemaMismatchError(
          i,
          k,
          `is not a record field; allowed: ${[...RECORD_KEYS, 'actual'].join(', ')}`,
        );
      out[k] = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
    }
    if (out.timestamp instanceof Date) out.timestamp = out.timestamp.getTime();
    const actual = row.actual;
    if (actual !== undefined && actual !== null) {
      if (typeof actual !== 'string' || !model.labels.includes(actual))
        throw new SchemaMismatchError(
          i,
          'actual',
          `must be one of the declared labels (${model.labels.join(', ')})`,
        );
      actualOf.push(actual);
    } else actualOf.push(null);
    return out;
  });
  const records = buildLoggedRecords(cleaned, {
    model,
    nowMs: ctx.nowMs,
    // A baseline is history: any past time is fine.
    backfillMs: Number.POSITIVE_INFINITY,
    requestId: 'baseline',
    newId: ctx.newId,
    hashText: ctx.hashText,
    storeText: ctx.storeText,
  });
  const actuals = records.flatMap((r, i) =>
    actualOf[i] === null ? [] : [{ id: r.id, timestamp: r.timestamp, label: actualOf[i] as string }],
  );
  return { records, actuals };
}
