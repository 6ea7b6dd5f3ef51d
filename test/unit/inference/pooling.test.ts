import { describe, expect, it } from 'vitest';
import { argmax, meanPoolRow, softmaxRow } from '../../../functions/lib/inference/pooling.ts';

describe('softmaxRow', () => {
  it('matches exp(x)/sum(exp(x)) and stays finite for large logits', () => {
    const logits = new Float32Array([1, 2, 3, 1000, 1001, 999]);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0] + e[1] + e[2];
    for (const [i, p] of softmaxRow(logits, 0, 3).entries()) expect(p).toBeCloseTo(e[i] / s, 12);
    // Same differences as row 0 shifted by 998: same distribution, no overflow.
    const big = softmaxRow(logits, 1, 3);
    expect(big.every(Number.isFinite)).toBe(true);
    expect(big[1]).toBeCloseTo(e[2] / s, 6);
  });
});

describe('meanPoolRow', () => {
  it('averages only the first validTokens positions of its row', () => {
    // 2 rows, seq 3, hidden 2; row 1 has 2 real tokens and a padded position holding 100s.
    const hidden = new Float32Array([0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 100, 100]);
    expect(Array.from(meanPoolRow(hidden, 1, 3, 2, 2))).toEqual([2, 3]);
  });

  it('returns zeros rather than NaN for a row without tokens', () => {
    expect(Array.from(meanPoolRow(new Float32Array(4), 0, 2, 2, 0))).toEqual([0, 0]);
  });
});

describe('argmax', () => {
  it('returns the first index of the maximum', () => {
    expect(argmax([0.2, 0.5, 0.5, 0.1])).toBe(1);
  });
});
