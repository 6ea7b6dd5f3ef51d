import { describe, expect, it } from 'vitest';
import { splitSentenceHoldout } from '../../../tools/train/holdout.ts';
import { createRng } from '../../../tools/train/rng.ts';

// Phrase-level rows like SST-2's, written for this test: two sentences and their sub-phrases.
const rows = [
  { text: 'the cast is terrific and the script is sharp', label: 1 },
  { text: 'the cast is terrific', label: 1 },
  { text: 'the script is sharp', label: 1 },
  { text: 'a slow , muddled and forgettable sequel', label: 0 },
  { text: 'muddled and forgettable', label: 0 },
  { text: 'forgettable', label: 0 },
  { text: 'sharp', label: 1 },
];

describe('splitSentenceHoldout', () => {
  it('holds out sentence-length rows and drops their phrases from training', () => {
    const split = splitSentenceHoldout(rows, { count: 1, minWords: 6 }, createRng(1));
    expect(split.holdout).toHaveLength(1);
    const held = split.holdout[0].text;
    expect(held.split(' ').length).toBeGreaterThanOrEqual(6);
    for (const row of split.train) expect(` ${held} `.includes(` ${row.text} `)).toBe(false);
    expect(split.train.length + split.holdout.length + split.dropped).toBe(rows.length);
    expect(split.dropped).toBeGreaterThanOrEqual(2);
  });

  it('never holds out a long phrase whose longer sentence would stay in training', () => {
    const nested = [
      { text: 'in the end the cast is terrific and the script is sharp', label: 1 },
      { text: 'the cast is terrific and the script is sharp', label: 1 },
    ];
    for (let seed = 0; seed < 5; seed++) {
      const split = splitSentenceHoldout(nested, { count: 1, minWords: 6 }, createRng(seed));
      expect(split.holdout).toEqual([nested[0]]);
      expect(split.train).toEqual([]);
    }
  });

  it('keeps everything for training when no row is long enough', () => {
    const split = splitSentenceHoldout(rows, { count: 3, minWords: 50 }, createRng(1));
    expect(split).toEqual({ train: rows, holdout: [], dropped: 0 });
  });
});
