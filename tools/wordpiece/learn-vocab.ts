/**
 * Learns a WordPiece vocabulary the way Hugging Face's WordPiece trainer does: start from characters
 * (word-initial `c` and continuation `##c`), then repeatedly merge the most frequent adjacent pair of
 * pieces until the vocabulary is full. Ties go to the pair of earliest-created pieces, so the result
 * depends only on the texts and options.
 */
import { PairHeap } from './pair-heap.ts';
import { SPECIAL_TOKENS } from './tokenizer-json.ts';
import { countWords } from './word-counts.ts';

export interface LearnVocabOptions {
  /** Target size including the special tokens and the alphabet. @default 10000 */
  vocabSize?: number;
  /** A pair seen fewer times than this is never merged. @default 2 */
  minFrequency?: number;
  /** Words longer than this become [UNK] at inference, so they are not learned from. @default 100 */
  maxInputCharsPerWord?: number;
  lowercase?: boolean;
}

const PREFIX = '##';
// Pair keys pack two piece ids into one number; 2^21 pieces is far beyond any vocabulary here.
const KEY_BASE = 2 ** 21;

/** Returns the vocabulary in id order: SPECIAL_TOKENS, then the alphabet, then merged pieces. */
export function learnWordPieceVocab(texts: Iterable<string>, options: LearnVocabOptions = {}): string[] {
  const vocabSize = options.vocabSize ?? 10_000;
  const minFrequency = options.minFrequency ?? 2;
  const maxChars = options.maxInputCharsPerWord ?? 100;
  const wordCounts = [...countWords(texts, options.lowercase ?? true)]
    .filter(([word]) => [...word].length <= maxChars)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const pieces: string[] = [...SPECIAL_TOKENS];
  const pieceIds = new Map<string, number>(pieces.map((p, i) => [p, i]));
  const alphabet = new Set<string>();
  for (const [word] of wordCounts) {
    [...word].forEach((ch, i) => {
      alphabet.add(i === 0 ? ch : PREFIX + ch);
    });
  }
  for (const piece of [...alphabet].sort()) {
    if (!pieceIds.has(piece)) {
      pieceIds.set(piece, pieces.length);
      pieces.push(piece);
    }
  }

  const words = wordCounts.map(([word]) =>
    [...word].map((ch, i) => pieceIds.get(i === 0 ? ch : PREFIX + ch) as number),
  );
  const freqs = wordCounts.map(([, count]) => count);
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap();

  const addPairs = (w: number, sign: 1 | -1, touched: Set<number>) => {
    const symbols = words[w];
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = symbols[i] * KEY_BASE + symbols[i + 1];
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * freqs[w]);
      touched.add(key);
      if (sign > 0) {
        const set = pairWords.get(key);
        if (set) set.add(w);
        else pairWords.set(key, new Set([w]));
      }
    }
  };

  const initial = new Set<number>();
  for (let w = 0; w < words.length; w++) addPairs(w, 1, initial);
  for (const key of initial) heap.push(pairCounts.get(key) as number, key);

  while (pieces.length < vocabSize && heap.size > 0) {
    const top = heap.pop() as { count: number; key: number };
    if (pairCounts.get(top.key) !== top.count) continue; // stale entry
    if (top.count < minFrequency) break;
    const a = Math.floor(top.key / KEY_BASE);
    const b = top.key % KEY_BASE;
    const merged = pieces[a] + pieces[b].slice(PREFIX.length);
    let id = pieceIds.get(merged);
    if (id === undefined) {
      id = pieces.length;
      pieceIds.set(merged, id);
      pieces.push(merged);
    }
    const touched = new Set<number>();
    for (const w of [...(pairWords.get(top.key) ?? [])].sort((x, y) => x - y)) {
      addPairs(w, -1, touched);
      words[w] = mergeSymbols(words[w], a, b, id);
      addPairs(w, 1, touched);
    }
    pairWords.delete(top.key);
    pairCounts.delete(top.key);
    touched.delete(top.key);
    for (const key of [...touched].sort((x, y) => x - y)) {
      const count = pairCounts.get(key) as number;
      if (count > 0) heap.push(count, key);
      else pairCounts.delete(key);
    }
  }
  return pieces;
}

/** Replaces every adjacent (a, b) in `symbols` with `id`, left to right. */
function mergeSymbols(symbols: number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
      out.push(id);
      i++;
    } else {
      out.push(symbols[i]);
    }
  }
  return out;
}
