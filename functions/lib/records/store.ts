/**
 * The storage port of the prediction log. Adapters (local files, S3) implement ObjectStore; the
 * record-level writes (one part file per request) are built on it once, here, for both.
 */
import { actualsPartKey, assertPartitionValue, hourPartitionOf, predictionPartKey } from './layout.ts';
import { encodeActuals, encodePredictions, InvalidRecordError } from './parquet.ts';
import type { ActualRecord, PredictionRecord } from './schema.ts';
import { type RandomBytes, uuidv7 } from './uuidv7.ts';

export type Body = Uint8Array | string;

export interface StoredObject {
  body: Uint8Array;
  etag: string;
}

export type ConditionalPutResult = { ok: true; etag: string } | { ok: false; reason: 'conflict' };

/**
 * How far putObjectIfMatch can be trusted: 'enforced' means the backend rejects a stale etag
 * atomically; 'unenforced' means it sends the precondition but the backend may ignore it (s3rver).
 */
export type ConditionalWriteSupport = 'enforced' | 'unenforced';

export interface ObjectStore {
  readonly conditionalWrites: ConditionalWriteSupport;
  putObject(key: string, body: Body, contentType?: string): Promise<{ etag: string }>;
  getObject(key: string): Promise<Uint8Array | null>;
  getObjectWithEtag(key: string): Promise<StoredObject | null>;
  /** Keys under the prefix, sorted ascending (part files are UUIDv7, so this is time order). */
  list(prefix: string): Promise<string[]>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Writes only if the current etag is `expectedEtag`, or the key is absent when it is null. */
  putObjectIfMatch(
    key: string,
    body: Body,
    expectedEtag: string | null,
    contentType?: string,
  ): Promise<ConditionalPutResult>;
  /** A path DuckDB can scan directly, when the object is a local file. */
  localPath?(key: string): string | null;
}

export interface RecordStore extends ObjectStore {
  /** Writes one part file per model/version/hour present (normally exactly one); returns the keys. */
  putPredictions(records: readonly PredictionRecord[]): Promise<string[]>;
  /** Actuals carry no model name, so the caller (the feedback handler) names the model. */
  putActuals(records: readonly ActualRecord[], model: string): Promise<string[]>;
  /** A fresh UUIDv7 for a part-file name. */
  nextPartId(): string;
}

/** A write of the prediction log that failed after the backend's retries; the handler returns 503. */
export class LogWriteError extends Error {
  readonly code = 'LOG_WRITE_FAILED';
  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(
      `could not write ${key} to the prediction log: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'LogWriteError';
  }
}

/** A storage operation other than a log write failed (list, get, delete, putObject). */
export class StoreIoError extends Error {
  readonly code = 'STORE_IO_FAILED';
  constructor(op: string, key: string, cause: unknown) {
    super(`${op} ${key} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreIoError';
  }
}

export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

export interface PartIdSource {
  now: () => number;
  randomBytes: RandomBytes;
}

function groupBy<T>(items: readonly T[], keyOf: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

async function writeParts(objects: ObjectStore, parts: [string, Uint8Array][]): Promise<string[]> {
  const results = await Promise.allSettled(
    parts.map(([key, bytes]) => objects.putObject(key, bytes, PARQUET_CONTENT_TYPE)),
  );
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed >= 0) {
    const reason = (results[failed] as PromiseRejectedResult).reason;
    throw new LogWriteError(parts[failed][0], reason);
  }
  return parts.map(([key]) => key);
}

/** Adds the record-level writes to an ObjectStore. */
export function createRecordStore(objects: ObjectStore, ids: PartIdSource): RecordStore {
  const nextPartId = () => uuidv7(ids.now(), ids.randomBytes);
  return {
    conditionalWrites: objects.conditionalWrites,
    putObject: (key, body, contentType) => objects.putObject(key, body, contentType),
    getObject: (key) => objects.getObject(key),
    getObjectWithEtag: (key) => objects.getObjectWithEtag(key),
    list: (prefix) => objects.list(prefix),
    delete: (key) => objects.delete(key),
    putObjectIfMatch: (key, body, etag, contentType) =>
      objects.putObjectIfMatch(key, body, etag, contentType),
    localPath: objects.localPath ? (key) => objects.localPath?.(key) ?? null : undefined,
    nextPartId,
    async putPredictions(records) {
      if (records.length === 0) return [];
      const groups = groupBy(records, (r) => {
        if (!(r.timestamp instanceof Date) || Number.isNaN(r.timestamp.getTime())) {
          throw new InvalidRecordError(`record ${r.id}: timestamp must be a valid Date`);
        }
        const { date, hour } = hourPartitionOf(r.timestamp.getTime());
        return JSON.stringify([r.model_name, r.model_version, date, hour]);
      });
      // Encode every part before any I/O so a bad record fails the whole request, never half of it.
      const parts: [string, Uint8Array][] = [...groups].map(([group, rs]) => {
        const [model, version, date, hour] = JSON.parse(group) as [string, string, string, number];
        return [predictionPartKey({ model, version, date, hour }, nextPartId()), encodePredictions(rs)];
      });
      return writeParts(objects, parts);
    },
    async putActuals(records, model) {
      if (records.length === 0) return [];
      assertPartitionValue('model name', model);
      const groups = groupBy(records, (r) => hourPartitionOf(r.timestamp.getTime()).date);
      const parts: [string, Uint8Array][] = [...groups].map(([date, rs]) => [
        actualsPartKey(model, date, nextPartId()),
        encodeActuals(rs),
      ]);
      return writeParts(objects, parts);
    },
  };
}
