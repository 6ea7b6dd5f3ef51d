/**
 * Word-excess permutation test: does the current window hold words that turn up in more of its texts
 * than chance allows, the way a new kind of text brings its own vocabulary ("battery", "charger")?
 * For every word seen in at least `minCount` texts over both windows, with t_w the texts containing
 * it, c_w those of the current window and pi the current window's share of texts, two statistics:
 *
 * - z: the sum of the `top` largest z_w = (c_w - t_w pi) / sqrt(t_w pi (1 - pi)) — many words each
 *   somewhat more frequent (a new kind of text in large numbers, or of very regular wording);
 * - exact: the sum of the `exactTop` largest -ln P(C >= c_w), C ~ Hypergeometric(N, n_current, t_w),
 *   the exact tail of each word under exchangeability — a few words that only the new texts use
 *   ("phone" in 12 current texts and no reference text). z overstates such rare words when pi is small
 *   (three texts of three give z = 3.5 at pi = 0.2, an event of chance 0.008), so among thousands of
 *   rare words the z sum is noise where the exact tail is not.
 *
 * The test statistic is the larger of the two after standardising each by the mean and standard
 * deviation of its first `calibration` permutations; the p-value comes from the later permutations,
 * which are exchangeable with the observed split given those constants, so it stays exact (Besag &
 * Clifford 1991 sequential stopping, as in the MMD test: stop once `earlyStop` permuted statistics
 * reach the observed one, p = h / L; else p = (h + 1) / (L + 1)).
 */
import { logBinomial } from './distributions.ts';
import { StatsInputError } from './errors.ts';
import { createRng, partialShuffle } from './rng.ts';

export interface WordExcessOptions {
  /** Largest z-scores summed. @default 20 */
  top?: number;
  /** Largest exact tail surprisals (-ln p) summed. @default 5 */
  exactTop?: number;
  /** Permutations that fix the standardising constants (not counted in the p-value). @default 100 */
  calibration?: number;
  /** Texts a word must appear in (both windows) to be scored. @default 3 */
  minCount?: number;
  /** Most permutations. @default 2000 */
  permutations?: number;
  /** Stop after this many permuted statistics reach the observed one (p = h / L). @default 10 */
  earlyStop?: number;
  /**
   * Look only at the words whose count reaches a gate that the top lists are always above, rescanning
   * all words when they are not: the same statistics as a full scan, several times fewer words a
   * permutation on long texts. `false` scans every word (for tests). @default true
   */
  gated?: boolean;
  seed?: number;
}

export interface WordExcessResult {
  /** The sum of the top z-scores. */
  statistic: number;
  /** The sum of the top exact tail surprisals. */
  exactStatistic: number;
  /** The larger standardised statistic (0 when the permutations showed no spread). */
  combined: number;
  pValue: number;
  permutations: number;
  stoppedEarly: boolean;
  /** The observed top words: token, current and reference texts containing it, z, exact tail p. */
  words: { token: number; current: number; reference: number; z: number; pValue: number }[];
}

interface Prepared {
  /** Candidate-word indices of every text, flattened; text d spans offsets[d] .. offsets[d + 1]. */
  flat: Int32Array;
  offsets: Int32Array;
  /** Texts containing each candidate word, over both windows. */
  totals: Float64Array;
  /** Per candidate word, its current count minus its gate (so reaching the gate is reaching 0). */
  counts: Int32Array;
  /** Per candidate word, -ln P(C >= c) for c = 0 .. totals (shared between words of one total). */
  tails: Float64Array[];
  /** Per candidate word, the count at which a permutation looks at it (see Z_GATE). */
  gate: Int32Array;
  /** -gate: the counts before a permutation. */
  start: Int32Array;
  /** Words whose count reached their gate in this permutation. */
  hits: Int32Array;
  /** Whether permutations only look at the gated words (false: every word, the same result). */
  gated: boolean;
}

/** Keeps the `best.length` largest values seen (ascending in `best`); returns the new floor. */
function keepLargest(best: Float64Array, v: number): number {
  let j = 0;
  while (j + 1 < best.length && best[j + 1] < v) {
    best[j] = best[j + 1];
    j++;
  }
  best[j] = v;
  return best[0];
}

const sumFinite = (a: Float64Array) => {
  let s = 0;
  for (let j = 0; j < a.length; j++) if (Number.isFinite(a[j])) s += a[j];
  return s;
};

/**
 * Scores below these never reach the top lists in practice (the 20th largest z among thousands of
 * words is above 2, the 5th largest exact surprisal above 3 nats): a permutation only looks at the
 * words whose count reaches one of them, and rescans every word when the lists do not fill above them,
 * so the statistics are exactly those of a full scan.
 */
const Z_GATE = 2;
const EXACT_GATE = 3;

/**
 * [sum of the top z, sum of the top exact surprisals] when the texts `current[0 .. size)` form the
 * current window.
 */
function statistics(
  p: Prepared,
  current: Int32Array,
  size: number,
  pi: number,
  best: Float64Array,
  bestExact: Float64Array,
): [number, number] {
  const { flat, offsets, counts, totals, tails, gate, hits } = p;
  counts.set(p.start);
  let nHits = 0;
  for (let k = 0; k < size; k++) {
    const d = current[k];
    for (let j = offsets[d], end = offsets[d + 1]; j < end; j++) {
      const w = flat[j];
      if (++counts[w] === 0) hits[nHits++] = w;
    }
  }
  const q = pi * (1 - pi);
  const scan = (words: Int32Array | null, length: number) => {
    best.fill(Number.NEGATIVE_INFINITY);
    bestExact.fill(Number.NEGATIVE_INFINITY);
    let floor = Number.NEGATIVE_INFINITY;
    let floorExact = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < length; i++) {
      const w = words ? words[i] : i;
      const t = totals[w];
      const c = counts[w] + gate[w];
      const z = (c - t * pi) / Math.sqrt(t * q);
      if (z > floor) floor = keepLargest(best, z);
      const e = tails[w][c];
      if (e > floorExact) floorExact = keepLargest(bestExact, e);
    }
    return floor >= Z_GATE && floorExact >= EXACT_GATE;
  };
  if (!(p.gated && scan(hits, nHits))) scan(null, totals.length);
  return [sumFinite(best), sumFinite(bestExact)];
}

/**
 * Per word, the smallest current count at which its z reaches Z_GATE or its exact surprisal
 * EXACT_GATE (t + 1 when none does).
 */
function gates(totals: Float64Array, tails: Float64Array[], pi: number): Int32Array {
  const q = pi * (1 - pi);
  return Int32Array.from(totals, (t, w) => {
    // The same expression as the scan's, so a count the scan would score at Z_GATE is never skipped.
    let c = 1;
    while (c <= t && (c - t * pi) / Math.sqrt(t * q) < Z_GATE && tails[w][c] < EXACT_GATE) c++;
    return c;
  });
}

/**
 * -ln P(C >= c), c = 0 .. t, for C ~ Hypergeometric(population, successes = current, draws = t):
 * the exact upper tail of a word's current count given the texts containing it.
 */
export function hypergeometricTailSurprisal(population: number, current: number, t: number): Float64Array {
  const lo = Math.max(0, t - (population - current));
  const hi = Math.min(t, current);
  const out = new Float64Array(t + 1).fill(Number.POSITIVE_INFINITY);
  const base = logBinomial(population, t);
  let acc = Number.NEGATIVE_INFINITY;
  for (let c = hi; c >= 0; c--) {
    if (c >= lo) {
      const l = logBinomial(current, c) + logBinomial(population - current, t - c) - base;
      const m = Math.max(acc, l);
      acc = m + Math.log(Math.exp(acc - m) + Math.exp(l - m));
    }
    out[c] = -Math.min(0, acc);
  }
  return out;
}

/** `reference` and `current` texts as token ids (duplicates within a text are ignored). */
export function wordExcessTest(
  reference: readonly ArrayLike<number>[],
  current: readonly ArrayLike<number>[],
  options: WordExcessOptions = {},
): WordExcessResult {
  const top = options.top ?? 20;
  const exactTop = options.exactTop ?? 5;
  const calibration = options.calibration ?? 100;
  const minCount = options.minCount ?? 3;
  const permutations = options.permutations ?? 2000;
  const earlyStop = options.earlyStop ?? 10;
  if (reference.length === 0 || current.length === 0)
    throw new StatsInputError('EMPTY_INPUT', 'both windows need at least one text');
  if (!(Number.isInteger(top) && top >= 1)) throw new StatsInputError('INVALID_OPTION', 'top must be >= 1');
  if (!(Number.isInteger(exactTop) && exactTop >= 1))
    throw new StatsInputError('INVALID_OPTION', 'exactTop must be >= 1');
  if (!(Number.isInteger(calibration) && calibration >= 2))
    throw new StatsInputError('INVALID_OPTION', 'calibration must be an integer >= 2');
  if (!(Number.isInteger(permutations) && permutations >= 1))
    throw new StatsInputError('INVALID_OPTION', 'permutations must be a positive integer');
  const docs = [...reference, ...current].map((d) => Int32Array.from(new Set(Array.from(d))));
  let vocab = 0;
  for (const d of docs) for (let j = 0; j < d.length; j++) vocab = Math.max(vocab, d[j] + 1);
  const docFreq = new Float64Array(vocab);
  for (const d of docs) for (let j = 0; j < d.length; j++) docFreq[d[j]]++;
  // Only words in at least minCount texts are scored; the others never enter a permutation. The
  // most frequent words come first, so the counts a permutation mostly touches share cache lines.
  const candidate = new Int32Array(vocab).fill(-1);
  const tokens: number[] = [];
  for (let w = 0; w < vocab; w++) if (docFreq[w] >= minCount) tokens.push(w);
  tokens.sort((a, b) => docFreq[b] - docFreq[a] || a - b);
  tokens.forEach((w, i) => {
    candidate[w] = i;
  });
  const offsets = new Int32Array(docs.length + 1);
  const flatList: number[] = [];
  docs.forEach((d, i) => {
    for (let j = 0; j < d.length; j++) if (candidate[d[j]] >= 0) flatList.push(candidate[d[j]]);
    offsets[i + 1] = flatList.length;
  });
  const totals = Float64Array.from(tokens, (w) => docFreq[w]);
  const n = reference.length;
  const tailCache = new Map<number, Float64Array>();
  const tails = Array.from(totals, (t) => {
    let tail = tailCache.get(t);
    if (!tail) {
      tail = hypergeometricTailSurprisal(docs.length, current.length, t);
      tailCache.set(t, tail);
    }
    return tail;
  });
  const pi = current.length / docs.length;
  const gate = gates(totals, tails, pi);
  const prepared: Prepared = {
    flat: Int32Array.from(flatList),
    offsets,
    totals,
    counts: new Int32Array(tokens.length),
    tails,
    gate,
    start: gate.map((g) => -g),
    hits: new Int32Array(tokens.length),
    gated: options.gated ?? true,
  };
  if (tokens.length === 0) {
    return {
      statistic: 0,
      exactStatistic: 0,
      combined: 0,
      pValue: 1,
      permutations: 0,
      stoppedEarly: false,
      words: [],
    };
  }
  const best = new Float64Array(Math.min(top, tokens.length));
  const bestExact = new Float64Array(Math.min(exactTop, tokens.length));
  const m = current.length;
  // Texts n .. N - 1 are the observed current window; a permutation is a uniform draw of m texts
  // (a partial Fisher-Yates shuffle: the first m slots of `order`), m swaps instead of N.
  const order = Int32Array.from({ length: docs.length }, (_, i) => (i + n) % docs.length);
  const [zObs, eObs] = statistics(prepared, order, m, pi, best, bestExact);
  const words = tokens
    .map((w, i) => {
      const c = prepared.counts[i] + prepared.gate[i];
      return {
        token: w,
        current: c,
        reference: totals[i] - c,
        z: (c - totals[i] * pi) / Math.sqrt(totals[i] * pi * (1 - pi)),
        pValue: Math.exp(-tails[i][c]),
      };
    })
    .sort((a, b) => b.z - a.z || a.token - b.token)
    .slice(0, top);
  const rng = createRng(options.seed ?? 0);
  const draw = () => partialShuffle(rng, order, m);
  // Standardising constants from permutations that the p-value does not count.
  const zs = new Float64Array(calibration);
  const es = new Float64Array(calibration);
  for (let b = 0; b < calibration; b++) {
    draw();
    [zs[b], es[b]] = statistics(prepared, order, m, pi, best, bestExact);
  }
  const scale = (xs: Float64Array) => {
    const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / (xs.length - 1));
    return { mean, sd: sd > 0 ? sd : 1 };
  };
  const zScale = scale(zs);
  const eScale = scale(es);
  const combine = (z: number, e: number) =>
    Math.max((z - zScale.mean) / zScale.sd, (e - eScale.mean) / eScale.sd);
  const observed = combine(zObs, eObs);
  const result = { statistic: zObs, exactStatistic: eObs, combined: observed, words };
  let exceed = 0;
  for (let b = 1; b <= permutations; b++) {
    draw();
    const [z, e] = statistics(prepared, order, m, pi, best, bestExact);
    if (combine(z, e) >= observed) exceed++;
    if (exceed >= earlyStop && b < permutations) {
      return { ...result, pValue: exceed / b, permutations: b, stoppedEarly: true };
    }
  }
  return {
    ...result,
    pValue: (exceed + 1) / (permutations + 1),
    permutations,
    stoppedEarly: false,
  };
}
