/**
 * Novelty: how many current records look unlike anything in the reference, in two spaces (tokens and
 * embeddings). The reference sample is split at random into a fit part (word frequencies, nearest
 * neighbours) and a calibration part scored exactly like the current records, so the calibration
 * scores are the null distribution: a tail-excess count (exact, split-conformal) and a Mann-Whitney
 * rank test per space. A word-excess permutation test over both whole samples adds the evidence of
 * many current texts sharing words the reference lacks, and a text-neighbour permutation test the
 * evidence of a few current texts that share rare words with each other (stats/text-neighbours.ts).
 * All six join the run's Benjamini-Hochberg set.
 */
import type { MonitorConfig } from '../monitor/config.ts';
import type { NoveltyRecord, NoveltyReport, NoveltySpaceSummary } from '../monitor/novelty-types.ts';
import { mannWhitneyGreater } from '../stats/mann-whitney.ts';
import { fitUnigram, knnCosineDistance, meanSurprisal, type Token } from '../stats/novelty-scores.ts';
import { createRng, sampleIndices, shuffleInPlace } from '../stats/rng.ts';
import { conformalPValue, type TailExcessResult, tailExcessTest } from '../stats/tail-excess.ts';
import { textNeighbourTest } from '../stats/text-neighbours.ts';
import { type WordExcessOptions, type WordExcessResult, wordExcessTest } from '../stats/word-excess.ts';
import { characteristicWords } from './characteristic-words.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient, pValueTestBase } from './finding.ts';
import { recordTokens, type SampledRecord, sampledRecords } from './novelty-sample.ts';
import { type WordExcessRequest, wordExcessRequest } from './word-excess-thread.ts';

export type NoveltySpace = 'tokens' | 'embeddings';

export interface NoveltyAnalysis extends NoveltyReport {
  /** Novelty of each sampled current row, by window row (for the projector). */
  byRow: Map<number, number>;
  /** Tail excess and rank test in each space (the word-excess test is its own draft: noveltyChecks). */
  drafts: DraftFinding[];
}

interface SpaceScores {
  basis: string;
  calibration: Float64Array;
  /** Per current record, NaN when it could not be scored. */
  current: Float64Array;
}

function tokenScores(fit: SampledRecord[], cal: SampledRecord[], cur: SampledRecord[], smoothing: number) {
  const all = [...fit, ...cal, ...cur];
  const useIds = all.length > 0 && all.every((r) => r.tokenIds !== null);
  const docs = (rs: SampledRecord[]) => rs.map((r) => recordTokens(r, useIds));
  const fitDocs = docs(fit).filter((d): d is Token[] => d !== null && d.length > 0);
  if (fitDocs.length === 0) return null;
  const model = fitUnigram(fitDocs, smoothing);
  const score = (d: Token[] | null) => (d === null ? Number.NaN : meanSurprisal(model, d));
  return {
    basis: useIds ? 'model_token_ids' : 'words',
    calibration: Float64Array.from(docs(cal).map(score)).filter(Number.isFinite),
    current: Float64Array.from(docs(cur).map(score)),
  };
}

/** At most `max` of `rows`, a seeded uniform choice in their order (all of them when they fit). */
function capped<T>(rows: T[], max: number, seed: number): T[] {
  if (rows.length <= max) return rows;
  const picked = sampleIndices(createRng(seed), rows.length, max);
  return Array.from(picked, (i) => rows[i]);
}

/**
 * Nearest-neighbour distances of the calibration part and the current records to the fit part. The
 * reference parts are capped (`maxPerPart` each, a seeded uniform subsample: the calibration scores
 * stay exchangeable with the current ones), since the search is quadratic and a larger reference
 * sample serves the word tests.
 */
function embeddingScores(
  fit: SampledRecord[],
  cal: SampledRecord[],
  cur: SampledRecord[],
  k: number,
  maxPerPart: number,
  seed: number,
) {
  if (fit.length === 0 || fit[0].embedding.length === 0) return null;
  const fitRows = capped(fit, maxPerPart, seed);
  const calRows = capped(cal, maxPerPart, seed + 1);
  const d = knnCosineDistance(
    fitRows.map((r) => r.embedding),
    [...calRows, ...cur].map((r) => r.embedding),
    k,
  );
  return {
    basis: 'cosine_knn',
    calibration: d.slice(0, calRows.length),
    current: d.slice(calRows.length),
  };
}

const int = (v: number) => v.toLocaleString('en-US');
const pct = (v: number) => `${Number((v * 100).toFixed(1))}%`;

function spaceDrafts(
  ctx: CheckContext,
  space: NoveltySpace,
  s: SpaceScores | null,
  alpha: number,
): { drafts: DraftFinding[]; summary: NoveltySpaceSummary | null } {
  const noun = space === 'tokens' ? 'words' : 'embeddings';
  const id = space === 'tokens' ? 'token' : 'embedding';
  const tailBase = pValueTestBase(ctx, {
    check: `novelty.${id}_tail`,
    group: 'novelty',
    title: `New text (${noun}, tail excess)`,
    method: 'conformal_tail_excess',
    maxVerdict: 'alert',
  });
  const rankBase = pValueTestBase(ctx, {
    check: `novelty.${id}_rank`,
    group: 'novelty',
    title: `New text (${noun}, rank test)`,
    method: 'mann_whitney',
    maxVerdict: 'alert',
  });
  const current = s ? s.current.filter(Number.isFinite) : new Float64Array(0);
  const min = Math.max(ctx.config.minDriftSampleSize, Math.ceil(1 / alpha));
  if (!s || s.calibration.length < min || current.length < ctx.config.minDriftSampleSize) {
    const sizes = {
      referenceSize: s?.calibration.length ?? 0,
      currentSize: current.length,
      minSampleSize: min,
    };
    return {
      drafts: [insufficient({ ...tailBase, ...sizes }), insufficient({ ...rankBase, ...sizes })],
      summary: null,
    };
  }
  const tail: TailExcessResult = tailExcessTest(s.calibration, current, alpha);
  const rank = mannWhitneyGreater(s.calibration, current);
  const sizes = { referenceSize: s.calibration.length, currentSize: current.length, minSampleSize: min };
  const share = tail.exceed / tail.currentSize;
  const what = space === 'tokens' ? 'in their words' : 'in meaning (embeddings)';
  const details = {
    basis: s.basis,
    exceed: tail.exceed,
    tested: tail.currentSize,
    expectedShare: tail.expectedShare,
    threshold: tail.threshold,
    calibration: tail.calibrationSize,
  };
  return {
    drafts: [
      {
        ...tailBase,
        ...sizes,
        value: share,
        pValue: tail.pValue,
        insufficient: false,
        describe: `${int(tail.exceed)} of ${int(tail.currentSize)} texts (${pct(share)}, expected ${pct(tail.expectedShare)}) are unlike the reference ${what}`,
        details,
      },
      {
        ...rankBase,
        ...sizes,
        value: rank.auc,
        pValue: rank.pValue,
        insufficient: false,
        describe: `current texts score as more novel than held-out reference texts with probability ${formatNumber(rank.auc)} (0.5 = no difference) ${what}`,
        details: { basis: s.basis, auc: rank.auc, u: rank.u },
      },
    ],
    summary: {
      basis: s.basis,
      tested: tail.currentSize,
      calibration: tail.calibrationSize,
      threshold: tail.threshold,
      exceed: tail.exceed,
      expectedShare: tail.expectedShare,
      tailPValue: tail.pValue,
      rankAuc: rank.auc,
      rankPValue: rank.pValue,
    },
  };
}

/**
 * Texts as ids of their tokens and of their adjacent token pairs: new kinds of text bring their own
 * phrases as well as their own words (the demo corpus's templated news and reviews: 5% of a window
 * is found in 10 of 10 runs with pairs, 3 of 10 without, with no false alarm in 20 runs, measured for
 * issue 13). `names` turns an id back into "word" or "first second".
 */
class PhraseVocabulary {
  private readonly words = new Map<Token, number>();
  /** Per id: the token of a word, or the first word id of a pair (`second[id]` >= 0 for a pair). */
  private readonly first: (Token | number)[] = [];
  private readonly second: number[] = [];
  /** Open-addressing table of the pairs seen: (first word id, second word id) -> id. */
  private keysA = new Int32Array(1 << 12);
  private keysB = new Int32Array(1 << 12);
  private ids = new Int32Array(1 << 12).fill(-1);
  private pairCount = 0;

  private word(t: Token): number {
    let id = this.words.get(t);
    if (id === undefined) {
      id = this.first.length;
      this.words.set(t, id);
      this.first.push(t);
      this.second.push(-1);
    }
    return id;
  }

  private slot(a: number, b: number): number {
    const mask = this.ids.length - 1;
    let i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) & mask;
    while (this.ids[i] >= 0 && (this.keysA[i] !== a || this.keysB[i] !== b)) i = (i + 1) & mask;
    return i;
  }

  private pair(a: number, b: number): number {
    let i = this.slot(a, b);
    if (this.ids[i] >= 0) return this.ids[i];
    if (2 * (this.pairCount + 1) > this.ids.length) {
      const [keysA, keysB, ids] = [this.keysA, this.keysB, this.ids];
      this.keysA = new Int32Array(ids.length * 2);
      this.keysB = new Int32Array(ids.length * 2);
      this.ids = new Int32Array(ids.length * 2).fill(-1);
      for (let j = 0; j < ids.length; j++) {
        if (ids[j] < 0) continue;
        const k = this.slot(keysA[j], keysB[j]);
        this.keysA[k] = keysA[j];
        this.keysB[k] = keysB[j];
        this.ids[k] = ids[j];
      }
      i = this.slot(a, b);
    }
    const id = this.first.length;
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.ids[i] = id;
    this.pairCount++;
    this.first.push(a);
    this.second.push(b);
    return id;
  }

  encode(doc: readonly Token[]): Int32Array {
    const out = new Int32Array(doc.length * 2 - 1);
    let prev = -1;
    for (let i = 0; i < doc.length; i++) {
      const w = this.word(doc[i]);
      out[i] = w;
      if (prev >= 0) out[doc.length + i - 1] = this.pair(prev, w);
      prev = w;
    }
    return out;
  }

  name(id: number): string {
    const b = this.second[id];
    return b >= 0
      ? `${String(this.first[this.first[id] as number])} ${String(this.first[b])}`
      : String(this.first[id]);
  }
}

/**
 * The word-excess permutation test over every sampled text of both windows: words and word pairs
 * that turn up in more current texts than chance allows (a new kind of text brings its own vocabulary).
 */
interface WordExcessInput {
  useIds: boolean;
  vocab: PhraseVocabulary;
  refDocs: Int32Array[];
  curDocs: Int32Array[];
  /** The current records of `curDocs`, in its order. */
  curRecords: SampledRecord[];
  options: WordExcessOptions;
}

const wordInputs = new WeakMap<CheckContext, WordExcessInput>();

/** The documents of the word-excess test (words and word pairs as ids), built once per run. */
function wordExcessInput(ctx: CheckContext): WordExcessInput {
  const hit = wordInputs.get(ctx);
  if (hit) return hit;
  const ref = sampledRecords(ctx.reference);
  const cur = sampledRecords(ctx.current);
  const useIds = [...ref, ...cur].every((r) => r.tokenIds !== null) && ref.length + cur.length > 0;
  const vocab = new PhraseVocabulary();
  const withTokens = (rs: SampledRecord[]) =>
    rs
      .map((r) => ({ r, d: recordTokens(r, useIds) }))
      .filter((x): x is { r: SampledRecord; d: Token[] } => x.d !== null && x.d.length > 0);
  const curKept = withTokens(cur);
  const cfg = ctx.config.novelty;
  const input: WordExcessInput = {
    useIds,
    vocab,
    refDocs: withTokens(ref).map((x) => vocab.encode(x.d)),
    curDocs: curKept.map((x) => vocab.encode(x.d)),
    curRecords: curKept.map((x) => x.r),
    options: {
      top: cfg.wordTop,
      exactTop: cfg.wordExactTop,
      minCount: cfg.minWordCount,
      permutations: cfg.wordPermutations,
      earlyStop: ctx.config.embedding.earlyStop,
      seed: ctx.seed + 17,
    },
  };
  wordInputs.set(ctx, input);
  return input;
}

/** The model version switched a test off: its finding is dropped, so its permutations are not run. */
const disabled = (ctx: CheckContext, check: string) => ctx.config.checks?.[check]?.enabled === false;
const wordExcessDisabled = (ctx: CheckContext) => disabled(ctx, 'novelty.word_excess');

const enoughTexts = (ctx: CheckContext, input: WordExcessInput) =>
  input.refDocs.length >= ctx.config.minDriftSampleSize &&
  input.curDocs.length >= ctx.config.minDriftSampleSize;

/**
 * The run's word-excess test as a request another thread can run (word-excess-thread.ts); null when
 * a window has too few texts to test. Hand its result back with `provideWordExcess`.
 */
export function wordExcessRequestFor(ctx: CheckContext): WordExcessRequest | null {
  if (wordExcessDisabled(ctx)) return null;
  const input = wordExcessInput(ctx);
  return enoughTexts(ctx, input) ? wordExcessRequest(input.refDocs, input.curDocs, input.options) : null;
}

const provided = new WeakMap<CheckContext, WordExcessResult>();

/** The result of `wordExcessRequestFor(ctx)` computed elsewhere: the check uses it instead of running it. */
export function provideWordExcess(ctx: CheckContext, result: WordExcessResult): void {
  provided.set(ctx, result);
}

const wordDrafts = new WeakMap<CheckContext, DraftFinding>();

function wordExcessDraft(ctx: CheckContext): DraftFinding {
  const hit = wordDrafts.get(ctx);
  if (hit) return hit;
  const draft = buildWordExcessDraft(ctx);
  wordDrafts.set(ctx, draft);
  return draft;
}

function buildWordExcessDraft(ctx: CheckContext): DraftFinding {
  const base = pValueTestBase(ctx, {
    check: 'novelty.word_excess',
    group: 'novelty',
    title: 'New text (words concentrated in the current window)',
    method: 'word_excess_permutation',
    maxVerdict: 'alert',
  });
  if (wordExcessDisabled(ctx)) return insufficient({ ...base, referenceSize: 0, currentSize: 0 });
  const input = wordExcessInput(ctx);
  const { useIds, vocab, refDocs, curDocs } = input;
  const sizes = { referenceSize: refDocs.length, currentSize: curDocs.length };
  if (!enoughTexts(ctx, input)) return insufficient({ ...base, ...sizes });
  const cfg = ctx.config.novelty;
  const r = provided.get(ctx) ?? wordExcessTest(refDocs, curDocs, input.options);
  // The five most characteristic words of the current window (log-odds, Monroe et al.), with counts.
  const top = (characteristicWords(ctx)?.current ?? [])
    .slice(0, 5)
    .map((w) => `"${w.word}" ${w.current} vs ${w.reference}`);
  return {
    ...base,
    ...sizes,
    value: r.statistic,
    pValue: r.pValue,
    insufficient: false,
    describe: `words turn up in more current texts than chance allows (top ${cfg.wordTop} excess z-scores sum to ${formatNumber(r.statistic)}, top ${cfg.wordExactTop} exact tails to ${formatNumber(r.exactStatistic)} nats); characteristic words (current vs reference count): ${top.join(', ') || 'none'}`,
    details: {
      basis: useIds ? 'model_token_ids' : 'words',
      permutations: r.permutations,
      stoppedEarly: r.stoppedEarly,
      exactStatistic: r.exactStatistic,
      combined: r.combined,
      words: r.words.map((w) => ({
        token: vocab.name(w.token),
        current: w.current,
        reference: w.reference,
        z: w.z,
        pValue: w.pValue,
      })),
    },
  };
}

function cut(text: string | null, max: number): string | null {
  return text !== null && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

const cache = new WeakMap<CheckContext, NoveltyAnalysis>();

/** The novelty analysis of a run, computed once per context (the checks and the report share it). */
export function noveltyAnalysis(ctx: CheckContext): NoveltyAnalysis {
  const hit = cache.get(ctx);
  if (hit) return hit;
  const cfg: MonitorConfig['novelty'] = ctx.config.novelty;
  const alpha = 1 - cfg.tailQuantile;
  const ref = sampledRecords(ctx.reference);
  const cur = sampledRecords(ctx.current);
  const order = shuffleInPlace(
    createRng(ctx.seed + 13),
    Int32Array.from({ length: ref.length }, (_, i) => i),
  );
  const nFit = Math.round(ref.length * cfg.fitShare);
  const fit = Array.from(order.subarray(0, nFit), (i) => ref[i]);
  const cal = Array.from(order.subarray(nFit), (i) => ref[i]);
  const dimsMatch = ctx.reference.dim > 0 && ctx.current.dim === ctx.reference.dim;
  const tokens = tokenScores(fit, cal, cur, cfg.smoothing);
  const embeddings = dimsMatch
    ? embeddingScores(fit, cal, cur, cfg.neighbours, cfg.embeddingMaxPerPart, ctx.seed + 19)
    : null;
  const t = spaceDrafts(ctx, 'tokens', tokens, alpha);
  const e = spaceDrafts(ctx, 'embeddings', embeddings, alpha);
  const sortedCal = (s: SpaceScores | null) => (s ? Float64Array.from(s.calibration).sort() : null);
  const tokenCal = t.summary ? sortedCal(tokens) : null;
  const embCal = e.summary ? sortedCal(embeddings) : null;
  const records: NoveltyRecord[] = cur.map((r, i) => {
    const ts = tokens ? tokens.current[i] : Number.NaN;
    const es = embeddings ? embeddings.current[i] : Number.NaN;
    const tp = tokenCal && Number.isFinite(ts) ? conformalPValue(tokenCal, ts) : null;
    const ep = embCal && Number.isFinite(es) ? conformalPValue(embCal, es) : null;
    const novel =
      (t.summary !== null && Number.isFinite(ts) && ts > t.summary.threshold) ||
      (e.summary !== null && Number.isFinite(es) && es > e.summary.threshold);
    return {
      id: r.id,
      text: cut(r.text, cfg.maxTextChars),
      label: r.label,
      tokenScore: finite(ts),
      embeddingScore: finite(es),
      tokenPValue: tp,
      embeddingPValue: ep,
      novelty: 1 - Math.min(tp ?? 1, ep ?? 1),
      novel,
    };
  });
  const byRow = new Map(cur.map((r, i) => [r.row, records[i].novelty]));
  records.sort((a, b) => b.novelty - a.novelty || (b.embeddingScore ?? 0) - (a.embeddingScore ?? 0));
  const spaces: NoveltyAnalysis['spaces'] = {};
  if (t.summary) spaces.tokens = t.summary;
  if (e.summary) spaces.embeddings = e.summary;
  const analysis: NoveltyAnalysis = {
    tailShare: alpha,
    fitSize: fit.length,
    spaces,
    records: records.slice(0, cfg.maxRecords),
    byRow,
    drafts: [...t.drafts, ...e.drafts],
  };
  cache.set(ctx, analysis);
  return analysis;
}

/** The report's novelty section; null when neither space could be tested. */
export function noveltyReport(ctx: CheckContext): NoveltyReport | null {
  const { tailShare, fitSize, spaces, records } = noveltyAnalysis(ctx);
  if (!spaces.tokens && !spaces.embeddings) return null;
  return { tailShare, fitSize, spaces, records };
}

/** Texts quoted in a finding's one-line description (and so in alerts) are cut to this length. */
const QUOTED_TEXT_CHARS = 120;

/** A text's single words in the word-excess encoding (its first half: words, then word pairs). */
const wordsOf = (doc: Int32Array) => doc.subarray(0, (doc.length + 1) >> 1);

/**
 * Current texts whose nearest texts (TF-IDF cosine over shared rare words, both windows pooled) are
 * current ones: a small share of a new kind of text finds itself where a global test dilutes it.
 */
function textNeighboursDraft(ctx: CheckContext): DraftFinding {
  const base = pValueTestBase(ctx, {
    check: 'novelty.text_neighbours',
    group: 'novelty',
    title: 'New text (current texts clustered among themselves)',
    method: 'text_neighbour_permutation',
    maxVerdict: 'alert',
  });
  if (disabled(ctx, base.check)) return insufficient({ ...base, referenceSize: 0, currentSize: 0 });
  const input = wordExcessInput(ctx);
  const sizes = { referenceSize: input.refDocs.length, currentSize: input.curDocs.length };
  if (!enoughTexts(ctx, input)) return insufficient({ ...base, ...sizes });
  const cfg = ctx.config.novelty;
  const r = textNeighbourTest(input.refDocs.map(wordsOf), input.curDocs.map(wordsOf), {
    k: cfg.textNeighbours,
    permutations: cfg.wordPermutations,
    earlyStop: ctx.config.embedding.earlyStop,
    seed: ctx.seed + 23,
  });
  const text = (i: number) => cut(input.curRecords[i].text, cfg.maxTextChars);
  const clusters = r.clustered.slice(0, cfg.maxRecords).map((c) => ({
    id: input.curRecords[c.index].id,
    text: text(c.index),
    currentNeighbours: c.currentNeighbours.map((j) => input.curRecords[j].id),
    similarity: c.similarity,
  }));
  // The alert quotes a few, shorter than the report keeps them.
  const shown = r.clustered
    .map((c) => cut(input.curRecords[c.index].text, QUOTED_TEXT_CHARS))
    .filter((t): t is string => t !== null)
    .slice(0, cfg.examples)
    .map((t) => JSON.stringify(t));
  return {
    ...base,
    ...sizes,
    value: r.statistic,
    pValue: r.pValue,
    insufficient: false,
    describe: `${r.statistic} of ${input.curDocs.length} current texts have at least ${r.k - 1} current texts among their ${r.k} nearest (shared rare words), ${formatNumber(r.expected)} expected by chance${shown.length > 0 ? `; e.g. ${shown.join(', ')}` : ''}`,
    details: {
      basis: input.useIds ? 'model_token_ids' : 'words',
      k: r.k,
      expected: r.expected,
      permutations: r.permutations,
      stoppedEarly: r.stoppedEarly,
      clustered: clusters,
    },
  };
}

/**
 * The novelty findings: word excess, text neighbours, then tail excess and rank test in tokens and in
 * embeddings.
 */
export function noveltyChecks(ctx: CheckContext): DraftFinding[] {
  return [wordExcessDraft(ctx), textNeighboursDraft(ctx), ...noveltyAnalysis(ctx).drafts];
}
