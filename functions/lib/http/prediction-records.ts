/** Builds the log's PredictionRecords (DESIGN.md, "The record") for one request's predictions. */
import type { Prediction } from '../inference/types.ts';
import type { ModelRef, PredictionRecord } from '../records/schema.ts';
import type { TextHasher } from './ports.ts';
import { textChars } from './text-length.ts';

export interface PredictionRecordContext {
  ids: readonly string[];
  timestampMs: number;
  model: ModelRef;
  latencyMs: number;
  requestId: string;
  /** When false, text is null but text_sha256 and the statistics are kept. */
  storeText: boolean;
  hashText: TextHasher;
}

export function buildPredictionRecords(
  texts: readonly string[],
  predictions: readonly Prediction[],
  ctx: PredictionRecordContext,
): PredictionRecord[] {
  const timestamp = new Date(ctx.timestampMs);
  return predictions.map((p, i) => ({
    id: ctx.ids[i],
    timestamp,
    model_name: ctx.model.name,
    model_version: ctx.model.version,
    text: ctx.storeText ? texts[i] : null,
    text_sha256: ctx.hashText(texts[i]),
    text_chars: textChars(texts[i]),
    token_count: p.tokenCount,
    truncated: p.truncated,
    unknown_token_ratio: p.unknownTokenRatio,
    label: p.label,
    score: p.score,
    probabilities: p.probabilities,
    embedding: p.embedding,
    latency_ms: ctx.latencyMs,
    request_id: ctx.requestId,
    fields: null,
    token_ids: p.tokenIds ? Array.from(p.tokenIds) : null,
  }));
}
