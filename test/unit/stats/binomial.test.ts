import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binomialTestLess } from '../../../functions/lib/stats/binomial.ts';

// Produced by tools/fixtures/binomial_fixtures.py (scipy.stats.binomtest, alternative='less').
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/stats/binomial.json', import.meta.url), 'utf8'),
) as { cases: { k: number; n: number; p: number; pValue: number }[] };

describe('binomialTestLess', () => {
  it.each(fixture.cases)('matches scipy for k=$k n=$n p=$p', ({ k, n, p, pValue }) => {
    const got = binomialTestLess(k, n, p);
    expect(got / pValue).toBeCloseTo(1, 6);
  });

  it('refuses impossible counts and probabilities with stable codes', () => {
    expect(() => binomialTestLess(3, 0, 0.5)).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => binomialTestLess(11, 10, 0.5)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => binomialTestLess(1, 10, Number.NaN)).toThrow(
      expect.objectContaining({ code: 'INVALID_PROBABILITY' }),
    );
  });
});
