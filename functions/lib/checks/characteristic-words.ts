/**
 * What drifted, in words: the words of the current window's sampled texts against the reference's,
 * ranked by the log-odds ratio with an informative Dirichlet prior (z-scores control for frequency),
 * the top words each way with their counts, and typical texts of each side (those whose distinct
 * words weigh most towards it). Words come from the text, not token ids, so a person can read them.
 */
import type { CharacteristicWord, CharacteristicWords } from '../monitor/novelty-types.ts';
import { logOddsDirichlet } from '../stats/log-odds.ts';
import { tokenizeWords } from '../stats/novelty-scores.ts';
import type { CheckContext } from './context.ts';
import { sampledRecords } from './novelty-sample.ts';

function counts(texts: string[][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const words of texts) for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

function typical(
  texts: { text: string; words: string[] }[],
  weight: Map<string, number>,
  k: number,
): string[] {
  const scored = texts
    .map((t) => {
      let s = 0;
      for (const w of new Set(t.words)) s += weight.get(w) ?? 0;
      return { text: t.text, s };
    })
    .filter((t) => t.s > 0)
    .sort((a, b) => b.s - a.s || (a.text < b.text ? -1 : 1));
  const out: string[] = [];
  for (const t of scored) {
    if (out.length >= k) break;
    if (!out.includes(t.text)) out.push(t.text);
  }
  return out;
}

const cache = new WeakMap<CheckContext, CharacteristicWords | null>();

/** Null when either side has no sampled text; computed once per run context. */
export function characteristicWords(ctx: CheckContext): CharacteristicWords | null {
  if (cache.has(ctx)) return cache.get(ctx) ?? null;
  const out = compute(ctx);
  cache.set(ctx, out);
  return out;
}

function compute(ctx: CheckContext): CharacteristicWords | null {
  const cfg = ctx.config.novelty;
  const side = (w: typeof ctx.current) =>
    sampledRecords(w)
      .filter((r) => r.text !== null && r.text !== '')
      .map((r) => ({ text: r.text as string, words: tokenizeWords(r.text as string) }));
  const cur = side(ctx.current);
  const ref = side(ctx.reference);
  const curCounts = counts(cur.map((t) => t.words));
  const refCounts = counts(ref.map((t) => t.words));
  if (curCounts.size === 0 || refCounts.size === 0) return null;
  const ranked = logOddsDirichlet(curCounts, refCounts).filter(
    (w) => w.countA + w.countB >= cfg.minWordCount,
  );
  const toWord = (w: (typeof ranked)[number]): CharacteristicWord => ({
    word: w.word,
    current: w.countA,
    reference: w.countB,
    logOdds: w.delta,
    z: w.z,
  });
  const top = cfg.characteristicWords;
  const up = ranked
    .filter((w) => w.z > 0)
    .slice(0, top)
    .map(toWord);
  const down = ranked
    .filter((w) => w.z < 0)
    .reverse()
    .slice(0, top)
    .map(toWord);
  const cutText = (t: string) => (t.length > cfg.maxTextChars ? `${t.slice(0, cfg.maxTextChars - 1)}…` : t);
  const examples = (words: CharacteristicWord[], texts: typeof cur) =>
    typical(texts, new Map(words.map((w) => [w.word, Math.abs(w.z)])), cfg.examples).map(cutText);
  return {
    method: 'log_odds_dirichlet',
    currentTexts: cur.length,
    referenceTexts: ref.length,
    current: up,
    reference: down,
    examples: { current: examples(up, cur), reference: examples(down, ref) },
  };
}
