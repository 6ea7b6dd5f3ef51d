/**
 * Text-neighbour permutation test: do current texts cluster among themselves, the way a small share of
 * a new kind of text does ("battery" and "charger" in one text, "phone" and "charger" in another)?
 * Every text of both windows gets its k nearest texts of the pooled sample by TF-IDF cosine over
 * shared words (each word once per text, weight ln(N / df); words in a single text link nothing and
 * the most common words are left out, so texts are near when they share rare words). The statistic is
 * the number of current texts with at least k - 1 current texts among their k neighbours (k grows
 * with the current share, so that this stays a 1% event for a text by chance). Under
 * exchangeability the neighbour graph, a function of the pooled texts alone (ties broken by a seeded
 * random rank, never by which window a text came from), is fixed and only the window labels move, so
 * the permutation p-value is exact (Schilling 1986's nearest-neighbour two-sample test, one-sided and
 * counted in the tail: 50 new texts among 1,000 barely move the mean share of current neighbours, but
 * the new texts that find each other stand out). Besag & Clifford (1991) sequential stopping, as in
 * the word-excess and MMD tests.
 */
import { StatsInputError } from './errors.ts';
import { createRng, partialShuffle, shuffleInPlace } from './rng.ts';

export interface TextNeighbourOptions {
  /**
   * Nearest texts per text, at least: a larger current share of the pooled texts needs more, so that
   * k - 1 current neighbours of k stay a 1% event by chance (k = 5 up to a current share of about 22%, 9
   * at 45%; see `neighboursFor`). @default 5
   */
  k?: number;
  /** Words in more than this share of all texts are left out of the similarity (they bound its cost). @default 0.1 */
  maxDocShare?: number;
  /** ... but a word in up to this many texts is always kept (small samples). @default 50 */
  minDocCap?: number;
  /**
   * A text is represented by at most this many of its kept words, the rarest (they carry most of
   * its similarity): long texts cost what sentences cost. @default 32
   */
  maxWords?: number;
  /** Most permutations. @default 5000 */
  permutations?: number;
  /** Stop after this many permuted statistics reach the observed one (p = h / L). @default 10 */
  earlyStop?: number;
  seed?: number;
}

export interface TextNeighbourResult {
  k: number;
  /** Current texts with at least k - 1 current texts among their k nearest. */
  statistic: number;
  /** The permuted statistics' mean: what chance gives. */
  expected: number;
  pValue: number;
  permutations: number;
  stoppedEarly: boolean;
  /**
   * The clustered current texts (indices into `current`), those with the most current neighbours and
   * the nearest ones first, each with its current neighbours (indices into `current`).
   */
  clustered: { index: number; currentNeighbours: number[]; similarity: number }[];
}

export interface NeighbourGraph {
  k: number;
  /** Neighbours of text d: nb[d * k .. d * k + k), -1 where it has fewer than k with a shared word. */
  nb: Int32Array;
  /** Their cosine similarities. */
  sim: Float64Array;
}

/** The k nearest texts of each text by TF-IDF cosine over its distinct rare words. */
export function textNeighbourGraph(
  docs: readonly ArrayLike<number>[],
  options: { k?: number; maxDocShare?: number; minDocCap?: number; maxWords?: number; seed?: number } = {},
): NeighbourGraph {
  const k = options.k ?? 5;
  const n = docs.length;
  const uniq = docs.map((d) => Int32Array.from(new Set(Array.from(d))));
  let vocab = 0;
  for (const d of uniq) for (let j = 0; j < d.length; j++) vocab = Math.max(vocab, d[j] + 1);
  const df = new Int32Array(vocab);
  for (const d of uniq) for (let j = 0; j < d.length; j++) df[d[j]]++;
  const maxWords = options.maxWords ?? 32;
  const cap = Math.max(options.minDocCap ?? 50, Math.floor((options.maxDocShare ?? 0.1) * n));
  const weight = new Float64Array(vocab); // idf squared: a shared word adds it to the dot product
  for (let w = 0; w < vocab; w++) if (df[w] >= 2 && df[w] <= cap) weight[w] = Math.log(n / df[w]) ** 2;
  // Each text's kept words, and per word the texts that kept it (CSR postings): a long text may drop
  // its commoner words, and the cosine is that of the kept words.
  const kept: Int32Array[] = uniq.map((d) => {
    const ws = d.filter((w) => weight[w] > 0);
    return ws.length > maxWords ? ws.sort((a, b) => df[a] - df[b] || a - b).subarray(0, maxWords) : ws;
  });
  const postingCount = new Int32Array(vocab);
  for (const ws of kept) for (let j = 0; j < ws.length; j++) postingCount[ws[j]]++;
  const start = new Int32Array(vocab + 1);
  for (let w = 0; w < vocab; w++) start[w + 1] = start[w] + postingCount[w];
  const postings = new Int32Array(start[vocab]);
  const fill = start.slice(0, vocab);
  const norm = new Float64Array(n);
  kept.forEach((ws, i) => {
    let s = 0;
    for (let j = 0; j < ws.length; j++) {
      postings[fill[ws[j]]++] = i;
      s += weight[ws[j]];
    }
    norm[i] = Math.sqrt(s);
  });
  // Ties go by a random rank, so which window a text came from never decides a neighbour.
  const rank = shuffleInPlace(
    createRng(options.seed ?? 0),
    Int32Array.from({ length: n }, (_, i) => i),
  );
  const nb = new Int32Array(n * k).fill(-1);
  const sim = new Float64Array(n * k);
  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  for (let d = 0; d < n; d++) {
    const ws = kept[d];
    let nt = 0;
    for (let j = 0; j < ws.length; j++) {
      const w = ws[j];
      const add = weight[w];
      for (let p = start[w], end = start[w + 1]; p < end; p++) {
        const e = postings[p];
        if (e === d) continue;
        if (acc[e] === 0) touched[nt++] = e;
        acc[e] += add;
      }
    }
    const base = d * k;
    let size = 0;
    for (let t = 0; t < nt; t++) {
      const e = touched[t];
      const s = acc[e] / (norm[d] * norm[e]);
      acc[e] = 0;
      // Insert into the sorted top k (descending similarity, then ascending rank).
      let j = size < k ? size++ : k;
      if (j === k) {
        const last = base + k - 1;
        if (s < sim[last] || (s === sim[last] && rank[e] > rank[nb[last]])) continue;
        j = k - 1;
      }
      while (j > 0) {
        const q = base + j - 1;
        if (sim[q] > s || (sim[q] === s && rank[nb[q]] < rank[e])) break;
        nb[q + 1] = nb[q];
        sim[q + 1] = sim[q];
        j--;
      }
      nb[base + j] = e;
      sim[base + j] = s;
    }
  }
  return { k, nb, sim };
}

/** Chance that at least k - 1 of k neighbours are current, each with probability `share`. */
function chanceOfCluster(k: number, share: number): number {
  return k * share ** (k - 1) * (1 - share) + share ** k;
}

/**
 * The neighbours per text for a current share of the pooled texts: the smallest k >= `least` (at
 * most 30) at which k - 1 current neighbours of k happen to a text by chance at most 1% of the time.
 * It depends on the window sizes only, never on which text is where, so the test stays exact.
 */
export function neighboursFor(least: number, share: number): number {
  let k = least;
  while (k < 30 && chanceOfCluster(k, share) > 0.01) k++;
  return Math.max(k, least);
}

/** Texts as token ids (duplicates within a text are ignored); texts n .. of the pooled graph are current. */
export function textNeighbourTest(
  reference: readonly ArrayLike<number>[],
  current: readonly ArrayLike<number>[],
  options: TextNeighbourOptions = {},
): TextNeighbourResult {
  const least = options.k ?? 5;
  const permutations = options.permutations ?? 5000;
  const earlyStop = options.earlyStop ?? 10;
  if (reference.length === 0 || current.length === 0)
    throw new StatsInputError('EMPTY_INPUT', 'both windows need at least one text');
  if (!(Number.isInteger(least) && least >= 2))
    throw new StatsInputError('INVALID_OPTION', 'k must be an integer >= 2');
  const k = neighboursFor(least, current.length / (reference.length + current.length));
  if (!(Number.isInteger(permutations) && permutations >= 1))
    throw new StatsInputError('INVALID_OPTION', 'permutations must be a positive integer');
  const graph = textNeighbourGraph([...reference, ...current], { ...options, k });
  const { nb, sim } = graph;
  const n = reference.length;
  const m = current.length;
  const total = n + m;
  const need = k - 1;
  const isCurrent = new Uint8Array(total);
  const countIn = (d: number) => {
    let c = 0;
    for (let j = d * k, end = j + k; j < end; j++) if (nb[j] >= 0 && isCurrent[nb[j]] === 1) c++;
    return c;
  };
  // Texts n .. total - 1 are the observed current window; a permutation draws m of all texts (a
  // partial Fisher-Yates shuffle, the first m slots of `order`).
  const order = Int32Array.from({ length: total }, (_, i) => (i + n) % total);
  const statistic = () => {
    isCurrent.fill(0);
    for (let t = 0; t < m; t++) isCurrent[order[t]] = 1;
    let s = 0;
    for (let t = 0; t < m; t++) if (countIn(order[t]) >= need) s++;
    return s;
  };
  const observed = statistic();
  const clustered: TextNeighbourResult['clustered'] = [];
  for (let d = n; d < total; d++) {
    if (countIn(d) < need) continue;
    const cur: number[] = [];
    let s = 0;
    for (let j = d * k; j < d * k + k; j++)
      if (nb[j] >= 0 && isCurrent[nb[j]] === 1) {
        cur.push(nb[j] - n);
        s += sim[j];
      }
    clustered.push({ index: d - n, currentNeighbours: cur, similarity: s / cur.length });
  }
  clustered.sort(
    (a, b) =>
      b.currentNeighbours.length - a.currentNeighbours.length ||
      b.similarity - a.similarity ||
      a.index - b.index,
  );
  const rng = createRng((options.seed ?? 0) + 1);
  let exceed = 0;
  let sum = 0;
  let b = 0;
  let stoppedEarly = false;
  while (b < permutations) {
    partialShuffle(rng, order, m);
    const s = statistic();
    b++;
    sum += s;
    if (s >= observed) exceed++;
    if (exceed >= earlyStop && b < permutations) {
      stoppedEarly = true;
      break;
    }
  }
  return {
    k,
    statistic: observed,
    expected: sum / b,
    pValue: stoppedEarly ? exceed / b : (exceed + 1) / (permutations + 1),
    permutations: b,
    stoppedEarly,
    clustered,
  };
}
