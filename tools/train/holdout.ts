/**
 * A hold-out split for SST-2's phrase-level training data. Its rows are phrases of treebank sentences,
 * so a random split leaks: a held-out phrase's sub-phrases sit in the training part and early stopping
 * then rewards memorising. Here whole sentence-length rows are held out and every training row that
 * is a contiguous span of one of them is dropped from training. Only rows that are no other row's
 * span (whole sentences) are held out.
 */
import type { Rng } from './rng.ts';
import type { LabelledText } from './sst2.ts';

export interface HoldoutOptions {
  /** How many rows to hold out. */
  count: number;
  /** Only rows with at least this many space-separated words count as sentences. @default 12 */
  minWords?: number;
}

export interface HoldoutSplit<T> {
  train: T[];
  holdout: T[];
  /** Training rows dropped because they are phrases of a held-out sentence. */
  dropped: number;
}

export function splitSentenceHoldout<T extends LabelledText>(
  rows: readonly T[],
  options: HoldoutOptions,
  rng: Rng,
): HoldoutSplit<T> {
  const minWords = options.minWords ?? 12;
  const words = rows.map((r) => r.text.split(/\s+/).filter(Boolean));
  const long = new Map<string, number[]>();
  words.forEach((w, i) => {
    if (w.length < minWords) return;
    const key = w.join(' ');
    long.set(key, [...(long.get(key) ?? []), i]);
  });
  // A long row inside a longer row is a phrase, not a sentence: holding it out would leave its sentence in training.
  const inner = new Set<number>();
  words.forEach((w) => {
    for (let a = 0; a < w.length; a++) {
      for (let b = a + minWords; b <= w.length; b++) {
        if (b - a === w.length) continue;
        for (const i of long.get(w.slice(a, b).join(' ')) ?? []) inner.add(i);
      }
    }
  });
  const candidates = rng.shuffle(
    [...long.values()]
      .flat()
      .filter((i) => !inner.has(i))
      .sort((x, y) => x - y),
  );
  const held = new Set(candidates.slice(0, options.count));
  const spans = new Set<string>();
  for (const i of held) {
    const w = words[i];
    for (let a = 0; a < w.length; a++)
      for (let b = a + 1; b <= w.length; b++) spans.add(w.slice(a, b).join(' '));
  }
  const train: T[] = [];
  const holdout: T[] = [];
  let dropped = 0;
  rows.forEach((row, i) => {
    if (held.has(i)) holdout.push(row);
    else if (spans.has(words[i].join(' '))) dropped++;
    else train.push(row);
  });
  return { train, holdout, dropped };
}
