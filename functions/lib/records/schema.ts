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
  /** Null when text storage is switched off; text_sha256 is always kept. */
  text: string | null;
  text_sha256: string;
  text_chars: number;
  token_count: number;
  truncated: boolean;
  unknown_token_ratio: number;
  label: string;
  score: number;
  /** In the model's label order (config.json id2label). */
  probabilities: number[];
  embedding: number[] | Float32Array;
  latency_ms: number;
  request_id: string;
}

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
