/**
 * Records an external model logs (POST /log), checked against its model version and made into log
 * records. One bad record refuses the batch, naming the record and the field, before anything is written.
 */
import { textChars } from '../http/text-length.ts';
import type { PredictionRecord, RecordFields } from '../records/schema.ts';
import { SchemaMismatchError } from './errors.ts';
import type { ModelVersion } from './model-version.ts';

export const MAX_LOG_RECORDS = 1000;
/** 5 MB of JSON: 1000 records of 768 floats fit with room to spare. */
export const MAX_LOG_BODY_BYTES = 5 * 1024 * 1024;
/** A timestamp may be this far ahead of the server's clock (clock skew), no more. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** @default 7 days: how far back a record may be dated (backfill). */
export const DEFAULT_BACKFILL_MS = 7 * 86_400_000;
const MAX_TEXT_CHARS = 100_000;
const PROBABILITY_TOLERANCE = 1e-3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LoggedRecordContext {
  model: ModelVersion;
  nowMs: number;
  backfillMs: number;
  requestId: string;
  /** A fresh UUIDv7 for a record sent without an id. */
  newId: () => string;
  hashText: (text: string) => string;
  /** Keep the raw text in the log; text_sha256 and text_chars are kept regardless. */
  storeText: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function timestampOf(raw: unknown, i: number, ctx: LoggedRecordContext): number {
  if (raw === undefined || raw === null) return ctx.nowMs;
  let ms: number;
  if (typeof raw === 'number') ms = raw;
  else if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw)) ms = Date.parse(raw);
  else throw new SchemaMismatchError(i, 'timestamp', 'must be an ISO-8601 time or epoch milliseconds');
  if (!Number.isFinite(ms)) throw new SchemaMismatchError(i, 'timestamp', 'is not a valid time');
  if (ms > ctx.nowMs + MAX_FUTURE_SKEW_MS)
    throw new SchemaMismatchError(i, 'timestamp', 'is more than 5 minutes in the future');
  if (ms < ctx.nowMs - ctx.backfillMs)
    throw new SchemaMismatchError(
      i,
      'timestamp',
      `is older than the backfill limit (${Math.round(ctx.backfillMs / 3_600_000)} hours)`,
    );
  return ms;
}

function vector(raw: unknown, i: number, field: string, length: number): Float32Array {
  if (!Array.isArray(raw)) throw new SchemaMismatchError(i, field, `must be a list of ${length} numbers`);
  if (raw.length !== length)
    throw new SchemaMismatchError(i, field, `has ${raw.length} values; the model version declares ${length}`);
  const out = new Float32Array(length);
  for (let k = 0; k < length; k++) {
    const v = raw[k];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new SchemaMismatchError(i, `${field}[${k}]`, 'must be a finite number');
    // Past float32's range a finite double becomes Infinity in the log.
    if (!Number.isFinite(Math.fround(v)))
      throw new SchemaMismatchError(i, `${field}[${k}]`, 'is outside the 32-bit float range');
    out[k] = v;
  }
  return out;
}

function fieldsOf(raw: unknown, i: number, model: ModelVersion): RecordFields | null {
  if (model.fields.length === 0) {
    if (raw === undefined || raw === null || (isObject(raw) && Object.keys(raw).length === 0)) return null;
    throw new SchemaMismatchError(i, 'fields', 'the model version declares no fields');
  }
  if (raw === undefined || raw === null) raw = {};
  if (!isObject(raw)) throw new SchemaMismatchError(i, 'fields', 'must be an object');
  const declared = new Map(model.fields.map((f) => [f.name, f]));
  for (const k of Object.keys(raw)) {
    if (!declared.has(k)) throw new SchemaMismatchError(i, `fields.${k}`, 'is not a declared field');
  }
  const out: RecordFields = {};
  for (const f of model.fields) {
    const v = raw[f.name];
    if (v === undefined || v === null) {
      out[f.name] = null;
      continue;
    }
    const ok =
      (f.type === 'string' && typeof v === 'string' && v.length <= 1000) ||
      (f.type === 'number' && typeof v === 'number' && Number.isFinite(v)) ||
      (f.type === 'boolean' && typeof v === 'boolean');
    if (!ok) {
      const what =
        f.type === 'string'
          ? 'a string (at most 1000 characters)'
          : `a ${f.type === 'number' ? 'finite number' : 'boolean'}`;
      throw new SchemaMismatchError(i, `fields.${f.name}`, `must be ${what} or null`);
    }
    out[f.name] = v as string | number | boolean;
  }
  return out;
}

function one(raw: unknown, i: number, ctx: LoggedRecordContext): PredictionRecord {
  const { model } = ctx;
  if (!isObject(raw)) throw new SchemaMismatchError(i, 'record', 'must be an object');
  const allowed = ['id', 'timestamp', 'text', 'embedding', 'label', 'score', 'probabilities', 'fields'];
  for (const k of Object.keys(raw)) {
    if (!allowed.includes(k))
      throw new SchemaMismatchError(i, k, `is not a record field; allowed: ${allowed.join(', ')}`);
  }
  let id: string;
  if (raw.id === undefined || raw.id === null) id = ctx.newId();
  else if (typeof raw.id === 'string' && UUID.test(raw.id)) id = raw.id.toLowerCase();
  else throw new SchemaMismatchError(i, 'id', 'must be a UUID (so a retried batch is recognised)');
  const timestampMs = timestampOf(raw.timestamp, i, ctx);
  let text: string | null = null;
  if (raw.text !== undefined && raw.text !== null) {
    if (!model.text) throw new SchemaMismatchError(i, 'text', 'the model version declares no text');
    if (typeof raw.text !== 'string') throw new SchemaMismatchError(i, 'text', 'must be a string');
    if (raw.text.length > MAX_TEXT_CHARS)
      throw new SchemaMismatchError(i, 'text', `is longer than ${MAX_TEXT_CHARS} characters`);
    text = raw.text;
  } else if (model.text) {
    throw new SchemaMismatchError(i, 'text', 'is required: the model version declares text');
  }
  const embedding = vector(raw.embedding, i, 'embedding', model.embedding_dim);
  if (typeof raw.label !== 'string' || !model.labels.includes(raw.label))
    throw new SchemaMismatchError(
      i,
      'label',
      `must be one of the declared labels (${model.labels.join(', ')})`,
    );
  let score: number | null = null;
  if (raw.score !== undefined && raw.score !== null) {
    if (!model.score) throw new SchemaMismatchError(i, 'score', 'the model version declares no score');
    if (typeof raw.score !== 'number' || !(raw.score >= 0 && raw.score <= 1))
      throw new SchemaMismatchError(i, 'score', 'must be a number from 0 to 1');
    score = raw.score;
  } else if (model.score) {
    throw new SchemaMismatchError(i, 'score', 'is required: the model version declares a score');
  }
  let probabilities: number[] = [];
  if (raw.probabilities !== undefined && raw.probabilities !== null) {
    if (!model.probabilities)
      throw new SchemaMismatchError(i, 'probabilities', 'the model version declares no probabilities');
    const p = vector(raw.probabilities, i, 'probabilities', model.labels.length);
    let sum = 0;
    for (let k = 0; k < p.length; k++) {
      if (p[k] < 0 || p[k] > 1)
        throw new SchemaMismatchError(i, `probabilities[${k}]`, 'must be from 0 to 1');
      sum += p[k];
    }
    if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE)
      throw new SchemaMismatchError(
        i,
        'probabilities',
        `must sum to 1 (±${PROBABILITY_TOLERANCE}); they sum to ${sum}`,
      );
    probabilities = Array.from(p);
  } else if (model.probabilities) {
    throw new SchemaMismatchError(
      i,
      'probabilities',
      'are required: the model version declares probabilities',
    );
  }
  return {
    id,
    timestamp: new Date(timestampMs),
    model_name: model.name,
    model_version: model.version,
    text: text !== null && ctx.storeText ? text : null,
    text_sha256: text !== null ? ctx.hashText(text) : null,
    text_chars: text !== null ? textChars(text) : null,
    token_count: null,
    truncated: null,
    unknown_token_ratio: null,
    label: raw.label,
    score,
    probabilities,
    embedding,
    latency_ms: null,
    request_id: ctx.requestId,
    fields: fieldsOf(raw.fields, i, model),
    token_ids: null,
  };
}

/** Every record of a batch, validated; throws SchemaMismatchError at the first that does not fit. */
export function buildLoggedRecords(raw: readonly unknown[], ctx: LoggedRecordContext): PredictionRecord[] {
  const out = raw.map((r, i) => one(r, i, ctx));
  const seen = new Set<string>();
  out.forEach((r, i) => {
    if (seen.has(r.id)) throw new SchemaMismatchError(i, 'id', 'repeats an id of this batch');
    seen.add(r.id);
  });
  return out;
}
