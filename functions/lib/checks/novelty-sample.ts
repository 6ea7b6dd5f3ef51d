/**
 * The sampled records of a window as the novelty and word checks read them: text, model token ids
 * (when the window kept them), label and embedding of each sampled row.
 */
import type { MonitorWindow } from '../monitor/window.ts';
import { type Token, tokenizeWords } from '../stats/novelty-scores.ts';

export interface SampledRecord {
  /** Window row. */
  row: number;
  id: string;
  label: string;
  text: string | null;
  /** The served model's token ids, when the record kept them. */
  tokenIds: readonly number[] | null;
  embedding: Float32Array;
}

const sampled = new WeakMap<MonitorWindow, SampledRecord[]>();

/** The window's sampled records (built once per window; read them, do not change them). */
export function sampledRecords(w: MonitorWindow): SampledRecord[] {
  const hit = sampled.get(w);
  if (hit) return hit;
  const ids = w.sampleTokenIds;
  const out: SampledRecord[] = [];
  for (let s = 0; s < w.sample.rows; s++) {
    const row = w.sample.index[s];
    const t = ids?.get(row);
    out.push({
      row,
      id: w.id.get(row),
      label: w.label.get(row),
      text: w.sampleText.get(row) ?? null,
      tokenIds: t && t.length > 0 ? Array.from(t) : null,
      embedding: w.sample.vectors.subarray(s * w.dim, (s + 1) * w.dim),
    });
  }
  sampled.set(w, out);
  return out;
}

/**
 * Words of a text the novelty and word tests read: the first 512, as a served model reads its first
 * 128-512 tokens. The word test's permutations cost the window's total tokens each, so a log of
 * book-length texts stays as fast as one of paragraphs.
 */
export const MAX_TEXT_WORDS = 512;

/**
 * Tokens of a record for the unigram model: the model's token ids when every record on both sides
 * has them (`useIds`), else the first MAX_TEXT_WORDS words of the text. Null when the record has neither.
 */
export function recordTokens(r: SampledRecord, useIds: boolean): Token[] | null {
  if (useIds) return r.tokenIds ? [...r.tokenIds] : null;
  if (r.text === null) return null;
  const words = tokenizeWords(r.text);
  return words.length > MAX_TEXT_WORDS ? words.slice(0, MAX_TEXT_WORDS) : words;
}
