/**
 * A window of predictions as the checks see it: every scalar column in full, but embeddings only as
 * streaming sums (for centroids) plus a seeded uniform sample (for MMD, the domain classifier and the
 * projector), so memory stays bounded however many records the window holds.
 */
import { createRng, type Rng, randomInt, sampleIndices } from '../stats/rng.ts';

export interface EmbeddingSample {
  /** Row-major `rows x dim`. */
  vectors: Float32Array;
  rows: number;
  /** Window row of each sampled vector. */
  index: Int32Array;
}

export interface MonitorWindow {
  size: number;
  id: string[];
  label: string[];
  score: Float64Array;
  textChars: Int32Array;
  truncated: Uint8Array;
  unknownTokenRatio: Float64Array;
  textSha256: string[];
  /** Texts of the sampled rows only (by window row), for the projector. */
  sampleText: Map<number, string | null>;
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
}

export interface WindowRow {
  id: string;
  label: string;
  score: number;
  text: string | null;
  text_sha256: string;
  text_chars: number;
  truncated: boolean;
  unknown_token_ratio: number;
  embedding: ArrayLike<number>;
}

/** Thrown when records of one window disagree on embedding width. */
export class WindowShapeError extends Error {
  readonly code = 'EMBEDDING_DIMENSION_MISMATCH';
  constructor(expected: number, got: number, id: string) {
    super(`embedding of record ${id} has ${got} values, expected ${expected} like the rest of the window`);
    this.name = 'WindowShapeError';
  }
}

class GrowableF64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Builds a MonitorWindow from rows streamed in any number of batches (reservoir sampling, Algorithm R). */
export class WindowAccumulator {
  private readonly rng: Rng;
  private readonly seen = new Set<string>();
  private readonly id: string[] = [];
  private readonly label: string[] = [];
  private readonly textSha256: string[] = [];
  private readonly score = new GrowableF64();
  private readonly textChars = new GrowableF64();
  private readonly truncated = new GrowableF64();
  private readonly unknown = new GrowableF64();
  private readonly sampleText = new Map<number, string | null>();
  private dim = -1;
  private sum = new Float64Array(0);
  private squaredNormSum = 0;
  private vectors = new Float32Array(0);
  private sampleIndex: Int32Array;
  private sampleRows = 0;
  unreadableFiles = 0;
  files = 0;

  constructor(
    private readonly sampleCapacity: number,
    seed: number,
  ) {
    this.rng = createRng(seed);
    this.sampleIndex = new Int32Array(sampleCapacity);
  }

  get size(): number {
    return this.id.length;
  }

  /** Adds a row unless its id was already seen (overlapping part files); returns whether it was added. */
  add(row: WindowRow): boolean {
    if (this.seen.has(row.id)) return false;
    const e = row.embedding;
    if (this.dim < 0) {
      this.dim = e.length;
      this.sum = new Float64Array(this.dim);
      this.vectors = new Float32Array(this.sampleCapacity * this.dim);
    } else if (e.length !== this.dim) {
      throw new WindowShapeError(this.dim, e.length, row.id);
    }
    this.seen.add(row.id);
    const n = this.id.length;
    this.id.push(row.id);
    this.label.push(row.label);
    this.textSha256.push(row.text_sha256);
    this.score.push(row.score);
    this.textChars.push(row.text_chars);
    this.truncated.push(row.truncated ? 1 : 0);
    this.unknown.push(row.unknown_token_ratio);
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
      else this.sampleText.delete(this.sampleIndex[slot]);
      this.vectors.set(e, slot * this.dim);
      this.sampleIndex[slot] = n;
      this.sampleText.set(n, row.text);
    }
    return true;
  }

  build(): MonitorWindow {
    const dim = Math.max(this.dim, 0);
    return {
      size: this.id.length,
      id: this.id,
      label: this.label,
      score: this.score.finish(),
      textChars: Int32Array.from(this.textChars.finish()),
      truncated: Uint8Array.from(this.truncated.finish()),
      unknownTokenRatio: this.unknown.finish(),
      textSha256: this.textSha256,
      sampleText: this.sampleText,
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
    };
  }
}

/** A whole in-memory window (tests, evaluations): every row sampled when it fits the capacity. */
export function windowFromRows(
  rows: Iterable<WindowRow>,
  sampleCapacity: number,
  seed: number,
): MonitorWindow {
  const acc = new WindowAccumulator(sampleCapacity, seed);
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
