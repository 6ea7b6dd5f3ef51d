/**
 * Word-excess permutation test: does the current window hold words that turn up in more of its texts
 * than chance allows, the way a new kind of text brings its own vocabulary ("battery", "charger")?
 * For every word seen in at least `minCount` texts over both windows, z_w is the standardised excess
 * of current texts containing it, z_w = (c_w - t_w pi) / sqrt(t_w pi (1 - pi)) with t_w the texts
 * containing w and pi the current window's share of texts; the statistic is the sum of the `top`
 * largest z_w. Texts are exchangeable under the null, so permuting window membership gives an exact
 * p-value, with Besag & Clifford (1991) sequential stopping as in the MMD test.
 */
import { StatsInputError } from './errors.ts';
import { createRng, shuffleInPlace } from './rng.ts';

export interface WordExcessOptions {
  /** Largest z-scores summed. @default 20 */
  top?: number;
  /** Texts a word must appear in (both windows) to be scored. @default 3 */
  minCount?: number;
  /** Most permutations. @default 2000 */
  permutations?: number;
  /** Stop after this many permuted statistics reach the observed one (p = h / L). @default 10 */
  earlyStop?: number;
  seed?: number;
}

export interface WordExcessResult {
  statistic: number;
  pValue: number;
  permutations: number;
  stoppedEarly: boolean;
  /** The observed top words: token, current and reference texts containing it, z. */
  words: { token: number; current: number; reference: number; z: number }[];
}

interface Prepared {
  /** Candidate-word indices of every text, flattened; text d spans offsets[d] .. offsets[d + 1]. */
  flat: Int32Array;
  offsets: Int32Array;
  /** Texts containing each candidate word, over both windows. */
  totals: Float64Array;
  counts: Float64Array;
}

/** Sum of the `top` largest z over candidates for a membership vector (1 = current). */
function statistic(p: Prepared, isCurrent: Uint8Array, pi: number, best: Float64Array): number {
  const { flat, offsets, counts, totals } = p;
  counts.fill(0);
  for (let d = 0; d + 1 < offsets.length; d++) {
    if (!isCurrent[d]) continue;
    for (let j = offsets[d]; j < offsets[d + 1]; j++) counts[flat[j]]++;
  }
  best.fill(Number.NEGATIVE_INFINITY);
  const q = pi * (1 - pi);
  let floor = Number.NEGATIVE_INFINITY;
  for (let w = 0; w < totals.length; w++) {
    const t = totals[w];
    const z = (counts[w] - t * pi) / Math.sqrt(t * q);
    if (z <= floor) continue;
    let j = 0;
    while (j + 1 < best.length && best[j + 1] < z) {
      best[j] = best[j + 1];
      j++;
    }
    best[j] = z;
    floor = best[0];
  }
  let s = 0;
  for (let j = 0; j < best.length; j++) if (Number.isFinite(best[j])) s += best[j];
  return s;
}

/** `reference` and `current` texts as token ids (duplicates within a text are ignored). */
export function wordExcessTest(
  reference: readonly ArrayLike<number>[],
  current: readonly ArrayLike<number>[],
  options: WordExcessOptions = {},
): WordExcessResult {
  const top = options.top ?? 20;
  const minCount = options.minCount ?? 3;
  const permutations = options.permutations ?? 2000;
  const earlyStop = options.earlyStop ?? 10;
  if (reference.length === 0 || current.length === 0)
    throw new StatsInputError('EMPTY_INPUT', 'both windows need at least one text');
  if (!(Number.isInteger(top) && top >= 1)) throw new StatsInputError('INVALID_OPTION', 'top must be >= 1');
  if (!(Number.isInteger(permutations) && permutations >= 1))
    throw new StatsInputError('INVALID_OPTION', 'permutations must be a positive integer');
  const docs = [...reference, ...current].map((d) => Int32Array.from(new Set(Array.from(d))));
  let vocab = 0;
  for (const d of docs) for (let j = 0; j < d.length; j++) vocab = Math.max(vocab, d[j] + 1);
  const docFreq = new Float64Array(vocab);
  for (const d of docs) for (let j = 0; j < d.length; j++) docFreq[d[j]]++;
  // Only words in at least minCount texts are scored; the others never enter a permutation.
  const candidate = new Int32Array(vocab).fill(-1);
  const tokens: number[] = [];
  for (let w = 0; w < vocab; w++) {
    if (docFreq[w] >= minCount) {
      candidate[w] = tokens.length;
      tokens.push(w);
    }
  }
  const offsets = new Int32Array(docs.length + 1);
  const flatList: number[] = [];
  docs.forEach((d, i) => {
    for (let j = 0; j < d.length; j++) if (candidate[d[j]] >= 0) flatList.push(candidate[d[j]]);
    offsets[i + 1] = flatList.length;
  });
  const totals = Float64Array.from(tokens, (w) => docFreq[w]);
  const prepared: Prepared = {
    flat: Int32Array.from(flatList),
    offsets,
    totals,
    counts: new Float64Array(tokens.length),
  };
  const n = reference.length;
  const pi = current.length / docs.length;
  if (tokens.length === 0)
    return { statistic: 0, pValue: 1, permutations: 0, stoppedEarly: false, words: [] };
  const best = new Float64Array(Math.min(top, tokens.length));
  const isCurrent = new Uint8Array(docs.length).fill(1, n);
  const observed = statistic(prepared, isCurrent, pi, best);
  const words = tokens
    .map((w, i) => {
      const c = prepared.counts[i];
      return {
        token: w,
        current: c,
        reference: totals[i] - c,
        z: (c - totals[i] * pi) / Math.sqrt(totals[i] * pi * (1 - pi)),
      };
    })
    .sort((a, b) => b.z - a.z || a.token - b.token)
    .slice(0, top);
  const rng = createRng(options.seed ?? 0);
  const perm = isCurrent.slice();
  let exceed = 0;
  for (let b = 1; b <= permutations; b++) {
    shuffleInPlace(rng, perm);
    if (statistic(prepared, perm, pi, best) >= observed) exceed++;
    if (exceed >= earlyStop && b < permutations) {
      return { statistic: observed, pValue: exceed / b, permutations: b, stoppedEarly: true, words };
    }
  }
  return {
    statistic: observed,
    pValue: (exceed + 1) / (permutations + 1),
    permutations,
    stoppedEarly: false,
    words,
  };
}
