/**
 * Per-record novelty against a reference, in two spaces: tokens (mean surprisal under the reference's
 * smoothed unigram distribution) and embeddings (mean cosine distance to the k nearest reference
 * embeddings). Scores are only comparable with scores made against the same fitted part.
 */
import { StatsInputError } from './errors.ts';
import { gramUpper } from './gram-simd.ts';

export type Token = string | number;

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Lower-cased words (letters and digits, with an inner apostrophe: "don't", "n't"). */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export interface UnigramModel {
  counts: Map<Token, number>;
  total: number;
  /** Additive smoothing per type, unseen tokens included. */
  smoothing: number;
  /** -log2 of the probability of a token never seen in the fit documents. */
  unseenSurprisal: number;
}

/** Fits token frequencies on `documents` with additive smoothing (one extra type for unseen tokens). */
export function fitUnigram(documents: Iterable<readonly Token[]>, smoothing = 0.5): UnigramModel {
  if (!(smoothing > 0)) throw new StatsInputError('INVALID_OPTION', 'smoothing must be > 0');
  const counts = new Map<Token, number>();
  let total = 0;
  for (const doc of documents) {
    for (const t of doc) {
      counts.set(t, (counts.get(t) ?? 0) + 1);
      total++;
    }
  }
  const denominator = total + smoothing * (counts.size + 1);
  return { counts, total, smoothing, unseenSurprisal: -Math.log2(smoothing / denominator) };
}

/** Mean surprisal (bits per token) of `doc` under `model`; NaN for a document without tokens. */
export function meanSurprisal(model: UnigramModel, doc: readonly Token[]): number {
  if (doc.length === 0) return Number.NaN;
  const denominator = model.total + model.smoothing * (model.counts.size + 1);
  let bits = 0;
  for (const t of doc) {
    const c = model.counts.get(t);
    bits += c === undefined ? model.unseenSurprisal : -Math.log2((c + model.smoothing) / denominator);
  }
  return bits / doc.length;
}

function normalisedRows(
  rows: readonly ArrayLike<number>[],
  dim: number,
  out: Float64Array,
  at: number,
): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let sq = 0;
    for (let k = 0; k < dim; k++) sq += r[k] * r[k];
    const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    const base = (at + i) * dim;
    for (let k = 0; k < dim; k++) out[base + k] = r[k] * inv;
  }
}

/**
 * Mean cosine distance from each query row to its `k` nearest rows of `fit` (k capped at the fit
 * size). One Gram matrix of the pooled unit vectors does the work.
 */
export function knnCosineDistance(
  fit: readonly ArrayLike<number>[],
  queries: readonly ArrayLike<number>[],
  k: number,
): Float64Array {
  if (fit.length === 0) throw new StatsInputError('EMPTY_INPUT', 'kNN needs at least one fitted row');
  if (!(Number.isInteger(k) && k >= 1))
    throw new StatsInputError('INVALID_OPTION', 'k must be an integer >= 1');
  const dim = fit[0].length;
  for (const q of [...fit, ...queries]) {
    if (q.length !== dim)
      throw new StatsInputError('DIMENSION_MISMATCH', `rows have ${q.length} values, expected ${dim}`);
  }
  const nf = fit.length;
  const total = nf + queries.length;
  const pooled = new Float64Array(total * dim);
  normalisedRows(fit, dim, pooled, 0);
  normalisedRows(queries, dim, pooled, nf);
  // Only the fitted rows' products with everything after them are needed.
  const g = gramUpper(pooled, total, dim, true, nf);
  const kk = Math.min(k, nf);
  const out = new Float64Array(queries.length);
  const best = new Float64Array(kk); // the kk largest similarities, ascending
  for (let q = 0; q < queries.length; q++) {
    best.fill(Number.NEGATIVE_INFINITY);
    const col = nf + q;
    for (let i = 0; i < nf; i++) {
      const s = g[i * total + col];
      if (s <= best[0]) continue;
      let j = 0;
      while (j + 1 < kk && best[j + 1] < s) {
        best[j] = best[j + 1];
        j++;
      }
      best[j] = s;
    }
    let d = 0;
    for (let j = 0; j < kk; j++) d += 1 - Math.min(1, best[j]);
    out[q] = d / kk;
  }
  return out;
}
