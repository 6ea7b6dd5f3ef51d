/**
 * A window of predictions as the checks see it: every scalar column in full, but embeddings only as
 * streaming sums (for centroids) plus a seeded uniform sample (for MMD, the domain classifier and the
 * projector), so memory stays bounded however many records the window holds.
 */
import { parseFieldsColumn } from '../records/parquet.ts';
import type { FieldValue, RecordFields } from '../records/schema.ts';
import { createRng, type Rng, randomInt, sampleIndices } from '../stats/rng.ts';
import {
  CodedStrings,
  DistinctStrings,
  GrowableF64,
  GrowableU8,
  HexDigests,
  type IdColumn,
  type LabelColumn,
  type TextHashColumn,
} from './window-columns.ts';

export type { IdColumn, LabelColumn, RowColumn, TextHashColumn } from './window-columns.ts';

export interface EmbeddingSample {
  /** Row-major `rows x dim`. */
  vectors: Float32Array;
  rows: number;
  /** Window row of each sampled vector. */
  index: Int32Array;
}

/** How many rows carried each optional column (logged models may send no score, text or tokens). */
export interface ColumnPresence {
  score: number;
  text: number;
  tokens: number;
}

export interface MonitorWindow {
  size: number;
  // Ids, labels and text hashes stay compact (window-columns.ts): a few bytes a row, not a string each.
  id: IdColumn;
  label: LabelColumn;
  /** NaN where the record has no score. */
  score: Float64Array;
  /** NaN where the record has no text. */
  textChars: Float64Array;
  /** 0 where the record was not tokenized by Vigil (see `present.tokens`). */
  truncated: Uint8Array;
  /** NaN where the record was not tokenized by Vigil. */
  unknownTokenRatio: Float64Array;
  /** null where the record has no text. */
  textSha256: TextHashColumn;
  present: ColumnPresence;
  /** Values of the declared extra fields, by field name, one per row (null when absent). */
  fields: Record<string, FieldValue[]>;
  /** Per segment field, per value: that segment's own uniform embedding sample. */
  segmentSamples: Record<string, Map<string, EmbeddingSample>>;
  /** Texts of the sampled rows only (by window row), for the projector. */
  sampleText: Map<number, string | null>;
  /** Token ids of the sampled rows only (by window row), when the log kept them. */
  sampleTokenIds: Map<number, Int32Array | null>;
  dim: number;
  /** Sum of every embedding (length `dim`), for the centroid. */
  embeddingSum: Float64Array;
  /** Sum of squared norms of every embedding, for the trace of the covariance. */
  embeddingSquaredNormSum: number;
  sample: EmbeddingSample;
  /** Part files of the window that could not be decoded. */
  unreadableFiles: number;
  /** Part files read. */
  files: number;
  /** Rows dropped for failing the record schema (missing columns, another embedding width). */
  rejectedRows: number;
  /** Files that could not be read, vanished unread, or held rows failing the schema. */
  schemaFailures: SchemaFailure[];
}

/** A file of the window that did not count in full, and why. */
export interface SchemaFailure {
  key: string;
  reason: string;
  /** Rows of the file dropped; null when the file could not be read at all. */
  rejectedRows: number | null;
}

export interface WindowRow {
  id: string;
  label: string;
  score: number | null;
  text: string | null;
  text_sha256: string | null;
  text_chars: number | null;
  truncated: boolean | null;
  unknown_token_ratio: number | null;
  embedding: ArrayLike<number>;
  /** An object, or the log's JSON text of it. */
  fields?: RecordFields | string | null;
  token_ids?: ArrayLike<number> | null;
}

export interface WindowAccumulatorOptions {
  /** Declared extra fields whose values are kept per row. */
  fields?: readonly string[];
  /** Fields whose values each get their own embedding sample (segments). */
  segmentFields?: readonly string[];
  /** Capacity of each segment's sample. @default the window's sample capacity */
  segmentCapacity?: number;
  /** At most this many distinct values of a segment field get a sample; later ones share none. @default 64 */
  maxSegmentValues?: number;
}

/** A seeded uniform sample of embeddings (Algorithm R) of bounded size. */
class Reservoir {
  private readonly rng: Rng;
  vectors: Float32Array;
  readonly index: Int32Array;
  rows = 0;
  seen = 0;
  constructor(
    private readonly capacity: number,
    private readonly dim: number,
    seed: number,
  ) {
    this.rng = createRng(seed);
    this.vectors = new Float32Array(Math.min(capacity, 64) * dim);
    this.index = new Int32Array(capacity);
  }
  /** Offers row `n`; returns the slot it took, -1 when not sampled, and the row it evicted (or -1). */
  offer(e: ArrayLike<number>, n: number): [slot: number, evicted: number] {
    const k = this.seen++;
    const slot = k < this.capacity ? k : randomInt(this.rng, k + 1);
    if (slot >= this.capacity) return [-1, -1];
    let evicted = -1;
    if (k < this.capacity) {
      this.rows++;
      if ((slot + 1) * this.dim > this.vectors.length) {
        const next = new Float32Array(Math.min(this.capacity, Math.max(this.rows * 2, 64)) * this.dim);
        next.set(this.vectors);
        this.vectors = next;
      }
    } else evicted = this.index[slot];
    this.vectors.set(e, slot * this.dim);
    this.index[slot] = n;
    return [slot, evicted];
  }
  build(): EmbeddingSample {
    return {
      vectors: this.vectors.slice(0, this.rows * this.dim),
      rows: this.rows,
      index: this.index.slice(0, this.rows),
    };
  }
}

function fieldsObject(raw: WindowRow['fields']): RecordFields | null {
  if (raw === undefined || raw === null) return null;
  return typeof raw === 'string' ? (parseFieldsColumn(raw) ?? null) : raw;
}

const nullable = (v: number | null | undefined) => (typeof v === 'number' ? v : Number.NaN);

/** The values of a column that are present (NaN marks a null). */
export function presentValues(values: Float64Array): Float64Array {
  let missing = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) missing++;
  return missing === 0 ? values : values.filter((v) => !Number.isNaN(v));
}

/** Builds a MonitorWindow from rows streamed in any number of batches (reservoir sampling, Algorithm R). */
export class WindowAccumulator {
  private readonly rng: Rng;
  // Per-row columns held compactly (window-columns.ts), and handed to the built window as they are.
  private readonly id = new DistinctStrings();
  private readonly label = new CodedStrings();
  private readonly textSha256 = new HexDigests();
  private readonly score = new GrowableF64();
  private readonly textChars = new GrowableF64();
  private readonly truncated = new GrowableU8();
  private readonly unknown = new GrowableF64();
  private readonly sampleText = new Map<number, string | null>();
  private readonly sampleTokenIds = new Map<number, Int32Array | null>();
  private readonly present: ColumnPresence = { score: 0, text: 0, tokens: 0 };
  private readonly fieldNames: readonly string[];
  private readonly fieldValues: Record<string, FieldValue[]> = {};
  private readonly segmentFields: readonly string[];
  private readonly segments: Record<string, Map<string, Reservoir>> = {};
  private dim = -1;
  private sum = new Float64Array(0);
  private squaredNormSum = 0;
  private vectors = new Float32Array(0);
  private sampleIndex: Int32Array;
  private sampleRows = 0;
  unreadableFiles = 0;
  files = 0;
  rejectedRows = 0;
  readonly schemaFailures: SchemaFailure[] = [];

  constructor(
    private readonly sampleCapacity: number,
    private readonly seed: number,
    private readonly options: WindowAccumulatorOptions = {},
  ) {
    this.rng = createRng(seed);
    this.sampleIndex = new Int32Array(sampleCapacity);
    this.segmentFields = options.segmentFields ?? [];
    this.fieldNames = [...new Set([...(options.fields ?? []), ...this.segmentFields])];
    for (const f of this.fieldNames) this.fieldValues[f] = [];
    for (const f of this.segmentFields) this.segments[f] = new Map();
  }

  /** Embedding width of the window so far; -1 before the first row. */
  get dimension(): number {
    return this.dim;
  }

  private addToSegments(fields: RecordFields | null, e: ArrayLike<number>, n: number): void {
    for (const f of this.segmentFields) {
      const v = fields?.[f];
      if (v === undefined || v === null) continue;
      const value = String(v);
      const byValue = this.segments[f];
      let r = byValue.get(value);
      if (!r) {
        if (byValue.size >= (this.options.maxSegmentValues ?? 64)) continue;
        r = new Reservoir(
          this.options.segmentCapacity ?? this.sampleCapacity,
          this.dim,
          this.seed + 7919 * (byValue.size + 1),
        );
        byValue.set(value, r);
      }
      r.offer(e, n);
    }
  }

  get size(): number {
    return this.id.size;
  }

  /** Fixes the embedding width before the first row (the reference's), so a stray row is the one rejected. */
  expectDimension(dim: number): void {
    if (this.dim >= 0 || dim <= 0) return;
    this.dim = dim;
    this.sum = new Float64Array(dim);
    this.vectors = new Float32Array(this.sampleCapacity * dim);
  }

  /**
   * Adds a row unless its id was already seen (overlapping part files); returns whether it was added.
   * The row is not kept (a source may reuse one object), and `text` / `token_ids` are read only when
   * the row enters the sample (a source may serve them through getters).
   */
  add(row: WindowRow): boolean {
    const e = row.embedding;
    // Another width cannot join the sums: the row fails the schema (integrity.schema counts it), unless
    // its id was seen already (a repeated id is no row at all).
    if (this.dim >= 0 && e.length !== this.dim) {
      if (!this.id.has(row.id)) this.rejectedRows++;
      return false;
    }
    const n = this.id.size;
    if (!this.id.add(row.id)) return false;
    if (this.dim < 0) this.expectDimension(e.length);
    this.label.push(row.label);
    this.textSha256.push(row.text_sha256 ?? null);
    this.score.push(nullable(row.score));
    this.textChars.push(nullable(row.text_chars));
    this.truncated.push(row.truncated ? 1 : 0);
    this.unknown.push(nullable(row.unknown_token_ratio));
    if (typeof row.score === 'number') this.present.score++;
    if (typeof row.text_chars === 'number') this.present.text++;
    if (typeof row.unknown_token_ratio === 'number') this.present.tokens++;
    const fields = this.fieldNames.length > 0 ? fieldsObject(row.fields) : null;
    for (const f of this.fieldNames) this.fieldValues[f].push(fields?.[f] ?? null);
    let sq = 0;
    for (let k = 0; k < this.dim; k++) {
      const v = e[k];
      this.sum[k] += v;
      sq += v * v;
    }
    this.squaredNormSum += sq;
    const slot = n < this.sampleCapacity ? n : randomInt(this.rng, n + 1);
    if (slot < this.sampleCapacity) {
      if (n < this.sampleCapacity) this.sampleRows++;
      else {
        this.sampleText.delete(this.sampleIndex[slot]);
        this.sampleTokenIds.delete(this.sampleIndex[slot]);
      }
      this.vectors.set(e, slot * this.dim);
      this.sampleIndex[slot] = n;
      this.sampleText.set(n, row.text);
      this.sampleTokenIds.set(n, row.token_ids ? Int32Array.from(row.token_ids) : null);
    }
    if (this.segmentFields.length > 0) this.addToSegments(fields, e, n);
    return true;
  }

  /** The window of the rows added; call once, when every row is in (the window takes the columns over). */
  build(): MonitorWindow {
    const dim = Math.max(this.dim, 0);
    return {
      size: this.id.size,
      id: this.id.finish(),
      label: this.label.finish(),
      score: this.score.finish(),
      textChars: this.textChars.finish(),
      truncated: this.truncated.finish(),
      unknownTokenRatio: this.unknown.finish(),
      textSha256: this.textSha256.finish(),
      present: { ...this.present },
      fields: this.fieldValues,
      segmentSamples: Object.fromEntries(
        Object.entries(this.segments).map(([f, byValue]) => [
          f,
          new Map([...byValue].map(([v, r]) => [v, r.build()])),
        ]),
      ),
      sampleText: this.sampleText,
      sampleTokenIds: this.sampleTokenIds,
      dim,
      embeddingSum: this.sum,
      embeddingSquaredNormSum: this.squaredNormSum,
      sample: {
        vectors: this.vectors.slice(0, this.sampleRows * dim),
        rows: this.sampleRows,
        index: this.sampleIndex.slice(0, this.sampleRows),
      },
      unreadableFiles: this.unreadableFiles,
      files: this.files,
      rejectedRows: this.rejectedRows,
      schemaFailures: this.schemaFailures,
    };
  }
}

/** A whole in-memory window (tests, evaluations): every row sampled when it fits the capacity. */
export function windowFromRows(
  rows: Iterable<WindowRow>,
  sampleCapacity: number,
  seed: number,
  options?: WindowAccumulatorOptions,
): MonitorWindow {
  const acc = new WindowAccumulator(sampleCapacity, seed, options);
  for (const r of rows) acc.add(r);
  return acc.build();
}

/** At most `k` rows of an embedding sample as a matrix: all of them, or a seeded uniform subset. */
export function subsampleRows(sample: EmbeddingSample, dim: number, k: number, seed: number): Float32Array {
  if (k >= sample.rows) return sample.vectors.subarray(0, sample.rows * dim);
  const picked = sampleIndices(createRng(seed), sample.rows, k);
  const out = new Float32Array(k * dim);
  for (let i = 0; i < k; i++)
    out.set(sample.vectors.subarray(picked[i] * dim, (picked[i] + 1) * dim), i * dim);
  return out;
}
