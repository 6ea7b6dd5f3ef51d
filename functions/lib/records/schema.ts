/**
 * The prediction log's record shapes (DESIGN.md, "The record"). One row per prediction; actuals
 * arrive later and join on `id`. Column names are snake_case because they are the Parquet/Athena names.
 */
export interface PredictionRecord {
  /** UUIDv7, time-ordered. */
  id: string;
  /** Written as TIMESTAMP_MILLIS (UTC). */
  timestamp: Date;
  model_name: string;
  model_version: string;
  /** Null when text storage is switched off or the caller sent no text. */
  text: string | null;
  /** Kept whenever a text was seen, even with text storage off; null when no text was sent. */
  text_sha256: string | null;
  /** Unicode code points; null when no text was sent. */
  text_chars: number | null;
  /** The token columns are null for records Vigil did not tokenize (logged by an external model). */
  token_count: number | null;
  truncated: boolean | null;
  unknown_token_ratio: number | null;
  label: string;
  /** Null when the model sends no score. */
  score: number | null;
  /** In the model's label order (config.json id2label); empty when the model sends none. */
  probabilities: number[];
  embedding: number[] | Float32Array;
  /** Null for records logged by an external model (Vigil did not time the inference). */
  latency_ms: number | null;
  request_id: string;
  /** The model version's declared extra fields (JSON object in the log); null when none. */
  fields?: RecordFields | null;
  /** The served model's token ids (token-level novelty); null for logged records. */
  token_ids?: number[] | Int32Array | null;
}

export type FieldValue = string | number | boolean | null;
export type RecordFields = Record<string, FieldValue>;

/** A ground-truth label for a prediction, posted later to /feedback. */
export interface ActualRecord {
  id: string;
  timestamp: Date;
  label: string;
}

export interface ModelRef {
  name: string;
  version: string;
}
