/**
 * Distance between the mean embeddings of two windows, euclidean and cosine (1 - cosine similarity).
 * Streaming-friendly: either window may be given as a running `{ sum, count }` instead of rows.
 * Euclidean distance has no scale-free default threshold; its default (Infinity) means "track only".
 */
import { type EmbeddingRows, packRows } from './embeddings.ts';
import { assertFiniteSample, StatsInputError } from './errors.ts';
import { makeResult, type StatMethodDescriptor, type StatResult } from './types.ts';

export interface CentroidSummary {
  sum: ArrayLike<number>;
  count: number;
}

export const centroidEuclideanDescriptor: StatMethodDescriptor = {
  name: 'centroid_euclidean',
  title: 'Centroid euclidean distance',
  kind: 'distance',
  direction: 'high_is_drift',
  dataTypes: ['embedding'],
  defaultThreshold: Number.POSITIVE_INFINITY,
};

export const centroidCosineDescriptor: StatMethodDescriptor = {
  name: 'centroid_cosine',
  title: 'Centroid cosine distance',
  kind: 'distance',
  direction: 'high_is_drift',
  dataTypes: ['embedding'],
  defaultThreshold: 0.1,
};

/** Column sums and row count of a window, for merging partitions before taking the centroid. */
export function centroidSummary(rows: EmbeddingRows): CentroidSummary {
  const packed = packRows(rows, 'rows');
  const sum = new Float64Array(packed.dim);
  for (let i = 0; i < packed.rows; i++) {
    for (let k = 0; k < packed.dim; k++) sum[k] += packed.data[i * packed.dim + k];
  }
  return { sum, count: packed.rows };
}

function centroidOf(input: EmbeddingRows | CentroidSummary, label: string): Float64Array {
  const summary = 'count' in input && !Array.isArray(input) ? (input as CentroidSummary) : null;
  const s = summary ?? centroidSummary(input as EmbeddingRows);
  if (!(s.count > 0)) throw new StatsInputError('EMPTY_INPUT', `${label} has count ${s.count}`);
  assertFiniteSample(s.sum, `${label} sum`);
  return Float64Array.from(s.sum, (v) => v / s.count);
}

function centroids(
  reference: EmbeddingRows | CentroidSummary,
  current: EmbeddingRows | CentroidSummary,
): [Float64Array, Float64Array] {
  const a = centroidOf(reference, 'reference');
  const b = centroidOf(current, 'current');
  if (a.length !== b.length) {
    throw new StatsInputError('DIMENSION_MISMATCH', `centroids differ in width (${a.length} vs ${b.length})`);
  }
  return [a, b];
}

function sizeOf(input: EmbeddingRows | CentroidSummary): number {
  return Array.isArray(input) ? input.length : (input as CentroidSummary).count;
}

export function centroidEuclidean(
  reference: EmbeddingRows | CentroidSummary,
  current: EmbeddingRows | CentroidSummary,
  options: { threshold?: number } = {},
): StatResult {
  const [a, b] = centroids(reference, current);
  let ss = 0;
  for (let k = 0; k < a.length; k++) ss += (a[k] - b[k]) ** 2;
  return makeResult(centroidEuclideanDescriptor, {
    statistic: Math.sqrt(ss),
    threshold: options.threshold,
    referenceSize: sizeOf(reference),
    currentSize: sizeOf(current),
  });
}

export function centroidCosine(
  reference: EmbeddingRows | CentroidSummary,
  current: EmbeddingRows | CentroidSummary,
  options: { threshold?: number } = {},
): StatResult {
  const [a, b] = centroids(reference, current);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k] * b[k];
    na += a[k] * a[k];
    nb += b[k] * b[k];
  }
  if (na === 0 || nb === 0) throw new StatsInputError('ZERO_VECTOR', 'a centroid is the zero vector');
  return makeResult(centroidCosineDescriptor, {
    statistic: 1 - dot / Math.sqrt(na * nb),
    threshold: options.threshold,
    referenceSize: sizeOf(reference),
    currentSize: sizeOf(current),
  });
}
