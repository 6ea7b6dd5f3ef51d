/**
 * The prediction log through Amazon Data Firehose (Direct PUT): each record is one JSON object with the
 * Glue table's columns, which the delivery stream converts to Parquet and partitions by model, version,
 * date and hour. PutRecordBatch can accept part of a batch; only the failed entries are sent again, with
 * exponential backoff and full jitter, until a deadline, after which the write fails (the handler's 503).
 */
import { type _Record, FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { PredictionLog } from '../lib/http/ports.ts';
import { RecordTooLargeError } from '../lib/http/record-size.ts';
import type { PredictionRecord } from '../lib/records/schema.ts';

/** Firehose quotas (https://docs.aws.amazon.com/firehose/latest/dev/limits.html). */
export const FIREHOSE_LIMITS = {
  /** Per record, before base64 encoding. */
  recordBytes: 1000 * 1024,
  batchRecords: 500,
  batchBytes: 4 * 1024 * 1024,
} as const;

export interface FirehoseLogOptions {
  client: Pick<FirehoseClient, 'send'>;
  streamName: string;
  /** Give up (and throw) when the records are not all accepted within this time. @default 5000 */
  deadlineMs?: number;
  /** First backoff; doubles per attempt up to maxBackoffMs, full jitter. @default 100 */
  baseBackoffMs?: number;
  /** @default 2000 */
  maxBackoffMs?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for the jitter. @default Math.random */
  random?: () => number;
}

/** The records could not all be delivered in time; none is known to be lost for good, the caller retries. */
export class FirehoseDeliveryError extends Error {
  readonly code = 'LOG_WRITE_FAILED';
  constructor(
    readonly failed: number,
    readonly attempts: number,
    readonly lastError: string,
  ) {
    super(`${failed} record(s) not accepted by Firehose after ${attempts} attempt(s): ${lastError}`);
    this.name = 'FirehoseDeliveryError';
  }
}

type JsonRow = Record<string, unknown>;

/**
 * Nine significant digits round-trip any float32 exactly; a float32 widened to a double would print up to
 * 17 (a 768-float embedding: ~9 KB of JSON instead of ~15 KB, and Firehose bills ingestion per 5 KB).
 */
const float32Text = (v: number): number => Number(v.toPrecision(9));

/** One record as the Glue table's columns; the timestamp in epoch milliseconds (the SerDe's `millis`). */
export function firehoseRow(r: PredictionRecord): JsonRow {
  return {
    id: r.id,
    timestamp: r.timestamp.getTime(),
    model_name: r.model_name,
    model_version: r.model_version,
    text: r.text,
    text_sha256: r.text_sha256,
    text_chars: r.text_chars,
    token_count: r.token_count,
    truncated: r.truncated,
    unknown_token_ratio: r.unknown_token_ratio,
    label: r.label,
    score: r.score,
    probabilities: Array.from(r.probabilities, float32Text),
    embedding: Array.from(r.embedding, float32Text),
    latency_ms: r.latency_ms,
    request_id: r.request_id,
    // The table's `fields` column is the JSON text of the object (json_extract_scalar reads it).
    fields: r.fields === null || r.fields === undefined ? null : JSON.stringify(r.fields),
    token_ids: r.token_ids === null || r.token_ids === undefined ? null : Array.from(r.token_ids),
  };
}

const encoder = new TextEncoder();

/** Encodes every record first, so a record over the limit fails the request before anything is sent. */
export function encodeFirehoseRecords(records: readonly PredictionRecord[]): Uint8Array[] {
  return records.map((r, i) => {
    const bytes = encoder.encode(`${JSON.stringify(firehoseRow(r))}\n`);
    if (bytes.byteLength > FIREHOSE_LIMITS.recordBytes) {
      throw new RecordTooLargeError(i, bytes.byteLength, FIREHOSE_LIMITS.recordBytes);
    }
    return bytes;
  });
}

/** Consecutive batches within both the record-count and the byte limit of PutRecordBatch. */
export function chunkForFirehose(items: readonly Uint8Array[]): Uint8Array[][] {
  const batches: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const item of items) {
    if (
      current.length > 0 &&
      (current.length === FIREHOSE_LIMITS.batchRecords ||
        bytes + item.byteLength > FIREHOSE_LIMITS.batchBytes)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.byteLength;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export function createFirehoseLog(options: FirehoseLogOptions): PredictionLog {
  const deadlineMs = options.deadlineMs ?? 5000;
  const base = options.baseBackoffMs ?? 100;
  const cap = options.maxBackoffMs ?? 2000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;

  async function sendBatch(batch: Uint8Array[], deadline: number): Promise<void> {
    let pending: _Record[] = batch.map((Data) => ({ Data }));
    let lastError = '';
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await options.client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: options.streamName, Records: pending }),
        );
        const responses = out.RequestResponses ?? [];
        if (!out.FailedPutCount) return;
        // Entries answer in request order; one with an ErrorCode was not accepted.
        const failed = pending.filter((_, i) => responses[i]?.ErrorCode || !responses[i]);
        const firstError = responses.find((r) => r.ErrorCode);
        lastError = `${firstError?.ErrorCode}: ${firstError?.ErrorMessage ?? ''}`.trim();
        // A count without per-entry codes says nothing about which failed: resend them all.
        if (failed.length > 0) pending = failed;
      } catch (err) {
        // A whole-call failure (throttling, service unavailable) after the SDK's own retries: resend all.
        lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      const wait = random() * Math.min(cap, base * 2 ** attempt);
      if (now() + wait >= deadline) throw new FirehoseDeliveryError(pending.length, attempt + 1, lastError);
      await sleep(wait);
    }
  }

  return {
    async putPredictions(records) {
      if (records.length === 0) return [];
      const encoded = encodeFirehoseRecords(records);
      const deadline = now() + deadlineMs;
      // Batches go one after another: a request holds at most 1000 records, two batches at most.
      for (const batch of chunkForFirehose(encoded)) await sendBatch(batch, deadline);
      return [];
    },
  };
}

/** The default client for a Lambda: the SDK's standard retries, region from the environment. */
export function createFirehoseClient(): FirehoseClient {
  return new FirehoseClient({});
}
