/**
 * The columnar form of a prediction window: typed arrays instead of 100k row objects, so a window of
 * 100k x 768 embeddings is one 300 MB Float32Array rather than 77M boxed numbers.
 */
import { parseFieldsColumn } from './parquet.ts';
import type { PredictionRecord } from './schema.ts';

export interface PredictionColumns {
  length: number;
  id: string[];
  /** Unix milliseconds (UTC). */
  timestampMs: Float64Array;
  model_name: string[];
  model_version: string[];
  text: (string | null)[];
  text_sha256: (string | null)[];
  /** NaN where null (the nullable numeric columns of schema v2). */
  text_chars: Float64Array;
  token_count: Float64Array;
  /** 1 true, 0 false, 255 null. */
  truncated: Uint8Array;
  unknown_token_ratio: Float64Array;
  label: string[];
  score: Float64Array;
  /** The `fields` column's JSON text. */
  fields: (string | null)[];
  /** Row-major, `length x labelCount`. */
  probabilities: Float32Array;
  labelCount: number;
  /** Row-major, `length x dim`. */
  embedding: Float32Array;
  dim: number;
  latency_ms: Float64Array;
  request_id: string[];
}

/** Thrown when records in one window disagree on embedding or probability width. */
export class RaggedVectorError extends Error {
  readonly code = 'RAGGED_VECTORS';
  constructor(field: string, expected: number, got: number, id: string) {
    super(`${field} of record ${id} has ${got} values, expected ${expected} like the rest of the window`);
    this.name = 'RaggedVectorError';
  }
}

type VectorLike = ArrayLike<number>;
type Row = Omit<PredictionRecord, 'embedding' | 'probabilities' | 'fields' | 'token_ids'> & {
  embedding: VectorLike;
  probabilities: VectorLike;
  /** An object, or the log's JSON text of it. */
  fields?: PredictionRecord['fields'] | string;
};

const orNaN = (v: number | null | undefined) => (typeof v === 'number' ? v : Number.NaN);
const orNull = (v: number) => (Number.isNaN(v) ? null : v);

// Growable typed array: doubling keeps appends amortised O(1) without a number[] detour.
class Growable<T extends Float64Array | Float32Array | Int32Array | Uint8Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const next = this.make(Math.max(this.data.length * 2, this.length + extra, 16));
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }
  push(v: number): void {
    this.reserve(1);
    this.data[this.length++] = v;
  }
  pushVector(v: VectorLike): void {
    this.reserve(v.length);
    for (let i = 0; i < v.length; i++) this.data[this.length + i] = v[i];
    this.length += v.length;
  }
  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Collects rows from many part files into PredictionColumns, keeping the first copy of each id. */
export class PredictionColumnsBuilder {
  private readonly seen = new Set<string>();
  private dim = -1;
  private labelCount = -1;
  private readonly strings = {
    id: [] as string[],
    model_name: [] as string[],
    model_version: [] as string[],
    text: [] as (string | null)[],
    text_sha256: [] as (string | null)[],
    label: [] as string[],
    request_id: [] as string[],
    fields: [] as (string | null)[],
  };
  private readonly timestampMs = new Growable(new Float64Array(0), (n) => new Float64Array(n));
  private readonly textChars = new Growable(new Float64Array(0), (n) => new Float64Array(n));
  private readonly tokenCount = new Growable(new Float64Array(0), (n) => new Float64Array(n));
  private readonly truncated = new Growable(new Uint8Array(0), (n) => new Uint8Array(n));
  private readonly unknownTokenRatio = new Growable(new Float64Array(0), (n) => new Float64Array(n));
  private readonly score = new Growable(new Float64Array(0), (n) => new Float64Array(n));
  private readonly latency = new Growable(new Float64Array(0), (n) => new Float64Array(n));
  private readonly probabilities = new Growable(new Float32Array(0), (n) => new Float32Array(n));
  private readonly embedding = new Growable(new Float32Array(0), (n) => new Float32Array(n));

  get length(): number {
    return this.strings.id.length;
  }

  /** Appends a row unless its id was already seen; returns whether it was added. */
  add(r: Row): boolean {
    if (this.seen.has(r.id)) return false;
    if (this.dim < 0) this.dim = r.embedding.length;
    if (this.labelCount < 0) this.labelCount = r.probabilities.length;
    if (r.embedding.length !== this.dim)
      throw new RaggedVectorError('embedding', this.dim, r.embedding.length, r.id);
    if (r.probabilities.length !== this.labelCount) {
      throw new RaggedVectorError('probabilities', this.labelCount, r.probabilities.length, r.id);
    }
    this.seen.add(r.id);
    const s = this.strings;
    s.id.push(r.id);
    s.model_name.push(r.model_name);
    s.model_version.push(r.model_version);
    s.text.push(r.text);
    s.text_sha256.push(r.text_sha256);
    s.label.push(r.label);
    s.request_id.push(r.request_id);
    s.fields.push(
      r.fields == null ? null : typeof r.fields === 'string' ? r.fields : JSON.stringify(r.fields),
    );
    this.timestampMs.push(r.timestamp.getTime());
    this.textChars.push(orNaN(r.text_chars));
    this.tokenCount.push(orNaN(r.token_count));
    this.truncated.push(r.truncated === null || r.truncated === undefined ? 255 : r.truncated ? 1 : 0);
    this.unknownTokenRatio.push(orNaN(r.unknown_token_ratio));
    this.score.push(orNaN(r.score));
    this.latency.push(orNaN(r.latency_ms));
    this.probabilities.pushVector(r.probabilities);
    this.embedding.pushVector(r.embedding);
    return true;
  }

  build(): PredictionColumns {
    return {
      length: this.length,
      ...this.strings,
      timestampMs: this.timestampMs.finish(),
      text_chars: this.textChars.finish(),
      token_count: this.tokenCount.finish(),
      truncated: this.truncated.finish(),
      unknown_token_ratio: this.unknownTokenRatio.finish(),
      score: this.score.finish(),
      probabilities: this.probabilities.finish(),
      labelCount: Math.max(this.labelCount, 0),
      embedding: this.embedding.finish(),
      dim: Math.max(this.dim, 0),
      latency_ms: this.latency.finish(),
      request_id: this.strings.request_id,
    };
  }
}

/** One row of PredictionColumns as a record (embedding is a view, not a copy). */
export function predictionAt(c: PredictionColumns, i: number): PredictionRecord {
  return {
    id: c.id[i],
    timestamp: new Date(c.timestampMs[i]),
    model_name: c.model_name[i],
    model_version: c.model_version[i],
    text: c.text[i],
    text_sha256: c.text_sha256[i],
    text_chars: orNull(c.text_chars[i]),
    token_count: orNull(c.token_count[i]),
    truncated: c.truncated[i] === 255 ? null : c.truncated[i] === 1,
    unknown_token_ratio: orNull(c.unknown_token_ratio[i]),
    label: c.label[i],
    score: orNull(c.score[i]),
    fields: parseFieldsColumn(c.fields[i]),
    probabilities: Array.from(c.probabilities.subarray(i * c.labelCount, (i + 1) * c.labelCount)),
    embedding: c.embedding.subarray(i * c.dim, (i + 1) * c.dim),
    latency_ms: orNull(c.latency_ms[i]),
    request_id: c.request_id[i],
    // The columnar window is for reading; token ids stay in the files (compaction copies whole rows).
    token_ids: null,
  };
}
