/**
 * VigilClient: declare a model version once, then log every prediction from your service.
 *
 * `log()` only appends the record to a bounded in-memory queue and returns its id; the client sends
 * the queue to POST /log in batches, closed by count, (estimated) bytes or age, one request at a time,
 * and retries throttled (429), unavailable (5xx, 503 LOG_WRITE_FAILED) and network failures with
 * exponential backoff and full jitter, reusing the ids `log()` gave (Vigil's readers keep one copy per
 * id). Batches the server refuses (400, 404, 415) are not retried: they count in `stats.rejected` and
 * go to `onError`. When the queue is full the new record is dropped and counted in `stats.dropped`:
 * monitoring never holds up a prediction.
 */
import { type CredentialsProvider, type Signer, sigV4Signer } from './sigv4.ts';

export type FieldValue = string | number | boolean | null;
type Vector = readonly number[] | Float32Array | Float64Array;

export interface LogRecord {
  embedding: Vector;
  label: string;
  text?: string;
  score?: number;
  probabilities?: Vector;
  fields?: Record<string, FieldValue>;
  /** A UUID; one is made when absent (UUIDv7, as the server would). */
  id?: string;
  /** ISO-8601, epoch milliseconds or a Date; absent: when Vigil receives it. */
  timestamp?: string | number | Date;
}

export interface FieldDeclaration {
  name: string;
  type: 'string' | 'number' | 'boolean';
  segment?: boolean;
}

export interface ModelVersionDeclaration {
  labels: string[];
  embeddingDim: number;
  text?: boolean;
  score?: boolean;
  probabilities?: boolean;
  /** A list, or a map like `{ language: 'string:segment', length: 'number' }`. */
  fields?: FieldDeclaration[] | Record<string, string>;
  /** Monitors as code (see the README); absent: every default. */
  monitors?: Record<string, unknown>;
}

/** A model version as Vigil stores it (snake_case, as the HTTP API returns it). */
export interface StoredModelVersion {
  name: string;
  version: string;
  labels: string[];
  embedding_dim: number;
  text: boolean;
  score: boolean;
  probabilities: boolean;
  fields: Required<FieldDeclaration>[];
  monitors: Record<string, unknown>;
  source: Record<string, unknown> | null;
  origin: 'served' | 'logged' | 'connected';
  created_at: string;
}

export interface VigilClientOptions {
  /** The Vigil endpoint: `http://127.0.0.1:3000` or the API Gateway URL. */
  url: string;
  model: string;
  version: string;
  /** Sign every request with SigV4 (`execute-api`) for the IAM-protected AWS endpoint. */
  awsRegion?: string;
  /** @default the AWS SDK's default chain (environment, profile, SSO, role) */
  credentials?: CredentialsProvider;
  /** @default 500 (the server takes at most 1000) */
  maxBatchRecords?: number;
  /** Estimated JSON bytes per batch. @default 4 MiB (the server takes at most 5 MB) */
  maxBatchBytes?: number;
  /** A batch goes once its first record is this old. @default 1000 */
  maxBatchAgeMs?: number;
  /** Records waiting to be sent; when full, `log()` drops the new one. @default 10000 */
  maxQueue?: number;
  /** @default 8 */
  maxRetries?: number;
  /** Wait before retry n: uniform(0, min(backoffMaxMs, backoffBaseMs * 2^n)). @default 100 */
  backoffBaseMs?: number;
  /** @default 10000 */
  backoffMaxMs?: number;
  /** Per request. @default 10000 */
  timeoutMs?: number;
  /** Every batch refused (400/404/415) or given up on after the last retry. */
  onError?: (error: VigilError, records: LogRecord[]) => void;
  /** Send what is queued when the event loop empties (`beforeExit`). @default true */
  flushAtExit?: boolean;
  headers?: Record<string, string>;
  /** For tests: the fetch, the sleep between retries and the signing clock. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

/** An answer that is not a success, in the API's error shape; status 0 is a network error. */
export class VigilError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly index?: number,
    readonly field?: string,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'VigilError';
  }
  get retryable(): boolean {
    return this.status === 0 || RETRYABLE.has(this.status);
  }
}

export interface ClientStats {
  /** Records accepted by `log()`. */
  queued: number;
  /** Records Vigil answered 200 for. */
  sent: number;
  /** Records `log()` dropped because the queue was full. */
  dropped: number;
  /** Records in batches Vigil refused (not retried). */
  rejected: number;
  /** Records given up on after the last retry. */
  failed: number;
  /** Batches sent again after a retryable failure. */
  retries: number;
  /** Batches Vigil answered 200 for. */
  batches: number;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const MAX_BATCH_RECORDS = 1000;
const MAX_BATCH_BYTES = 5 * 1024 * 1024;

/** A time-ordered UUID (version 7). */
export function uuidv7(nowMs = Date.now()): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b.subarray(6));
  let ms = nowMs;
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

interface Queued {
  wire: Record<string, unknown>;
  original: LogRecord;
  bytes: number;
}

function fieldList(fields: ModelVersionDeclaration['fields']): FieldDeclaration[] {
  if (!fields) return [];
  if (Array.isArray(fields)) return fields;
  return Object.entries(fields).map(([name, spec]) => {
    const [type, flag] = spec.split(':');
    if (!['string', 'number', 'boolean'].includes(type) || (flag !== undefined && flag !== 'segment'))
      throw new TypeError(`fields.${name}: expected 'string', 'number' or 'boolean', optionally ':segment'`);
    return { name, type: type as FieldDeclaration['type'], ...(flag ? { segment: true } : {}) };
  });
}

function timestampOf(ts: LogRecord['timestamp']): string | number | undefined {
  if (ts === undefined) return undefined;
  if (ts instanceof Date) return ts.toISOString();
  return ts;
}

export class VigilClient {
  readonly model: string;
  readonly version: string;
  readonly stats: ClientStats = {
    queued: 0,
    sent: 0,
    dropped: 0,
    rejected: 0,
    failed: 0,
    retries: 0,
    batches: 0,
  };
  lastError: VigilError | null = null;

  private readonly base: string;
  private readonly o: Required<
    Pick<
      VigilClientOptions,
      | 'maxBatchRecords'
      | 'maxBatchBytes'
      | 'maxBatchAgeMs'
      | 'maxQueue'
      | 'maxRetries'
      | 'backoffBaseMs'
      | 'backoffMaxMs'
      | 'timeoutMs'
    >
  >;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly sign: Signer | null;
  private readonly headers: Record<string, string>;
  private readonly onError?: VigilClientOptions['onError'];
  private queue: Queued[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private forceUntil = 0;
  private closed = false;
  private readonly prefix: string;
  private readonly atExit: (() => void) | null = null;

  constructor(options: VigilClientOptions) {
    this.model = options.model;
    this.version = options.version;
    this.base = options.url.replace(/\/+$/, '');
    this.o = {
      maxBatchRecords: options.maxBatchRecords ?? 500,
      maxBatchBytes: options.maxBatchBytes ?? 4 * 1024 * 1024,
      maxBatchAgeMs: options.maxBatchAgeMs ?? 1000,
      maxQueue: options.maxQueue ?? 10_000,
      maxRetries: options.maxRetries ?? 8,
      backoffBaseMs: options.backoffBaseMs ?? 100,
      backoffMaxMs: options.backoffMaxMs ?? 10_000,
      timeoutMs: options.timeoutMs ?? 10_000,
    };
    if (!(this.o.maxBatchRecords >= 1 && this.o.maxBatchRecords <= MAX_BATCH_RECORDS))
      throw new RangeError(`maxBatchRecords must be 1-${MAX_BATCH_RECORDS}`);
    if (!(this.o.maxBatchBytes >= 1024 && this.o.maxBatchBytes <= MAX_BATCH_BYTES))
      throw new RangeError(`maxBatchBytes must be 1024-${MAX_BATCH_BYTES}`);
    if (!(this.o.maxQueue >= 1)) throw new RangeError('maxQueue must be at least 1');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.sign = options.awsRegion ? sigV4Signer(options.awsRegion, options.credentials, options.now) : null;
    this.headers = options.headers ?? {};
    this.onError = options.onError;
    this.prefix = `${JSON.stringify({ model: { name: this.model, version: this.version } }).slice(0, -1)},"records":[`;
    if (options.flushAtExit ?? true) {
      this.atExit = () => {
        if (this.queue.length > 0 && !this.sending) void this.flush();
      };
      process.on('beforeExit', this.atExit);
    }
  }

  /** Declares this client's model version (PUT /models/{name}/versions/{version}); returns the stored JSON. */
  async createModelVersion(d: ModelVersionDeclaration): Promise<StoredModelVersion> {
    const body = JSON.stringify({
      labels: d.labels,
      embedding_dim: d.embeddingDim,
      text: d.text ?? false,
      score: d.score ?? false,
      probabilities: d.probabilities ?? false,
      fields: fieldList(d.fields),
      ...(d.monitors ? { monitors: d.monitors } : {}),
    });
    return (await this.requestWithRetries('PUT', this.versionPath(), body, 4)) as StoredModelVersion;
  }

  /** The stored declaration of this client's model version (VigilError MODEL_NOT_FOUND if none). */
  async getModelVersion(): Promise<StoredModelVersion> {
    return (await this.requestWithRetries('GET', this.versionPath(), undefined, 4)) as StoredModelVersion;
  }

  /** Queues one prediction; returns its id, or null when the queue was full (dropped). Never waits. */
  log(record: LogRecord): string | null {
    if (this.closed) throw new Error('VigilClient is closed');
    if (this.queue.length >= this.o.maxQueue) {
      this.stats.dropped++;
      return null;
    }
    const id = record.id ?? uuidv7();
    const wire: Record<string, unknown> = {
      id,
      embedding: Array.from(record.embedding),
      label: record.label,
    };
    if (record.text !== undefined) wire.text = record.text;
    if (record.score !== undefined) wire.score = record.score;
    if (record.probabilities !== undefined) wire.probabilities = Array.from(record.probabilities);
    if (record.fields !== undefined) wire.fields = { ...record.fields };
    const ts = timestampOf(record.timestamp);
    if (ts !== undefined) wire.timestamp = ts;
    // A float in JSON is about 20 characters; the exact size is known only when the batch is built.
    const bytes =
      80 +
      20 * ((wire.embedding as number[]).length + (record.probabilities?.length ?? 0)) +
      (record.text?.length ?? 0) * 2 +
      (record.fields ? JSON.stringify(record.fields).length : 0);
    this.queue.push({ wire, original: record, bytes });
    this.queuedBytes += bytes;
    this.stats.queued++;
    if (this.queue.length >= this.o.maxBatchRecords || this.queuedBytes >= this.o.maxBatchBytes) this.kick();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.forceUntil = Math.max(this.forceUntil, this.queue.length);
        this.kick();
      }, this.o.maxBatchAgeMs);
      this.timer.unref();
    }
    return id;
  }

  /** Sends everything queued so far; resolves when it is sent, refused or given up on. */
  async flush(): Promise<void> {
    this.forceUntil = this.queue.length;
    this.kick();
    while (this.sending) await this.sending;
  }

  /** Flushes and stops; further `log()` calls throw. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.atExit) process.off('beforeExit', this.atExit);
  }

  private versionPath(): string {
    return `/models/${encodeURIComponent(this.model)}/versions/${encodeURIComponent(this.version)}`;
  }

  private kick(): void {
    if (this.sending) return;
    // Never inside the caller's log(): the batch is encoded on a later turn of the event loop.
    this.sending = new Promise<void>((r) => setImmediate(r))
      .then(() => this.drain())
      .finally(() => {
        this.sending = null;
        // Records logged while the last batch was in flight may already make a full batch.
        if (
          this.queue.length >= this.o.maxBatchRecords ||
          this.queuedBytes >= this.o.maxBatchBytes ||
          this.forceUntil > 0
        )
          this.kick();
      });
  }

  /** Sends batches while a full one is queued, or until the records a flush or the age timer asked for are out. */
  private async drain(): Promise<void> {
    while (
      this.queue.length > 0 &&
      (this.forceUntil > 0 ||
        this.queue.length >= this.o.maxBatchRecords ||
        this.queuedBytes >= this.o.maxBatchBytes)
    ) {
      const batch: Queued[] = [];
      const encoded: string[] = [];
      let size = this.prefix.length + 2;
      while (batch.length < this.o.maxBatchRecords && this.queue.length > 0) {
        const next = this.queue[0];
        let json: string;
        try {
          json = JSON.stringify(next.wire, (_k, v) => {
            if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`non-finite number ${v}`);
            return v;
          });
        } catch (e) {
          this.take(1);
          this.giveUp(
            new VigilError(0, 'SCHEMA_MISMATCH', `record ${next.wire.id}: ${(e as Error).message}`),
            [next],
            'rejected',
          );
          continue;
        }
        if (batch.length > 0 && size + json.length + 1 > this.o.maxBatchBytes) break;
        // Encoding a full batch takes tens of milliseconds: let other work run every 50 records.
        if (batch.length % 50 === 49) await new Promise<void>((r) => setImmediate(r));
        this.take(1);
        batch.push(next);
        encoded.push(json);
        size += json.length + 1;
      }
      if (batch.length > 0) await this.sendWithRetries(batch, encoded);
    }
    if (this.queue.length > 0 && !this.timer && !this.closed) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.forceUntil = Math.max(this.forceUntil, this.queue.length);
        this.kick();
      }, this.o.maxBatchAgeMs);
      this.timer.unref();
    }
  }

  private take(n: number): void {
    for (const q of this.queue.splice(0, n)) this.queuedBytes -= q.bytes;
    this.forceUntil = Math.max(0, this.forceUntil - n);
  }

  private async sendWithRetries(batch: Queued[], encoded: string[]): Promise<void> {
    const body = `${this.prefix}${encoded.join(',')}]}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = (await this.request('POST', '/log', body)) as { accepted?: number } | null;
        this.stats.sent += answer?.accepted ?? batch.length;
        this.stats.batches++;
        return;
      } catch (e) {
        const err = e instanceof VigilError ? e : new VigilError(0, 'CLIENT_ERROR', String(e));
        if (err.status === 413 && batch.length > 1) {
          // Bigger than the server's limit after all: send the halves, with the same ids.
          const half = batch.length >> 1;
          await this.sendWithRetries(batch.slice(0, half), encoded.slice(0, half));
          await this.sendWithRetries(batch.slice(half), encoded.slice(half));
          return;
        }
        if (err.retryable && attempt < this.o.maxRetries) {
          this.stats.retries++;
          await this.sleep(
            Math.random() * Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** attempt),
          );
          continue;
        }
        this.giveUp(err, batch, err.retryable ? 'failed' : 'rejected');
        return;
      }
    }
  }

  private giveUp(error: VigilError, batch: Queued[], counter: 'failed' | 'rejected'): void {
    this.stats[counter] += batch.length;
    this.lastError = error;
    try {
      this.onError?.(
        error,
        batch.map((q) => ({ ...q.original, id: q.wire.id as string })),
      );
    } catch {
      // A failing callback must not stop the sending.
    }
  }

  private async requestWithRetries(method: string, path: string, body: string | undefined, retries: number) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request(method, path, body);
      } catch (e) {
        if (!(e instanceof VigilError) || !e.retryable || attempt >= Math.min(retries, this.o.maxRetries))
          throw e;
        await this.sleep(Math.random() * Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** attempt));
      }
    }
  }

  private async request(method: string, path: string, body?: string): Promise<unknown> {
    const url = new URL(this.base + path);
    let headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      ...this.headers,
    };
    if (this.sign) {
      try {
        headers = await this.sign({ method, url, headers, body: body ?? '' });
      } catch (e) {
        throw new VigilError(0, 'NO_CREDENTIALS', `could not sign the request: ${(e as Error).message}`);
      }
    }
    let res: Response;
    try {
      res = await this.fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.o.timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new VigilError(0, 'NETWORK_ERROR', `${method} ${url.href}: ${cause}`);
    }
    const text = await res.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.ok) return json;
    const err = (
      json as { error?: { code?: string; message?: string; index?: number; field?: string } } | null
    )?.error;
    if (err && typeof err === 'object')
      throw new VigilError(
        res.status,
        String(err.code ?? 'HTTP_ERROR'),
        String(err.message ?? ''),
        err.index,
        err.field,
      );
    throw new VigilError(res.status, 'HTTP_ERROR', text.slice(0, 200) || `HTTP ${res.status}`);
  }
}
