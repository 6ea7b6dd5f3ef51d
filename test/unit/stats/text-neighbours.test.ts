import { describe, expect, it } from 'vitest';
import { createRng } from '../../../functions/lib/stats/rng.ts';
import {
  neighboursFor,
  textNeighbourGraph,
  textNeighbourTest,
} from '../../../functions/lib/stats/text-neighbours.ts';

describe('text-neighbour graph (TF-IDF cosine over shared rare words)', () => {
  it.each([
    { maxWords: 32, name: 'every word' },
    { maxWords: 2, name: "each text's two rarest words" },
  ])('matches a brute-force cosine on a small corpus over $name', ({ maxWords }) => {
    // Prepare: 60 texts over 40 words, some words in one text (they link nothing) and k = 3.
    const rng = createRng(5);
    const docs = Array.from({ length: 60 }, () =>
      Array.from({ length: 2 + Math.floor(4 * rng.random()) }, () => Math.floor(40 * rng.random() ** 1.5)),
    );
    // Act
    const g = textNeighbourGraph(docs, { k: 3, minDocCap: 1000, maxWords, seed: 2 });
    // Assess: each listed similarity is the brute-force cosine of the kept words (those in two texts
    // or more, the rarest `maxWords` of a text, ties by word id), in descending order, and no text
    // outside the list is more similar than the last one listed.
    const df = new Map<number, number>();
    for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) ?? 0) + 1);
    const sets = docs.map(
      (d) =>
        new Set(
          [...new Set(d)]
            .filter((w) => (df.get(w) ?? 0) >= 2)
            .sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0) || a - b)
            .slice(0, maxWords),
        ),
    );
    const wt = (w: number) => ((df.get(w) ?? 0) >= 2 ? Math.log(docs.length / (df.get(w) ?? 1)) ** 2 : 0);
    const norm = sets.map((s) => Math.sqrt([...s].reduce((a, w) => a + wt(w), 0)));
    const cos = (a: number, b: number) =>
      [...sets[a]].filter((w) => sets[b].has(w)).reduce((x, w) => x + wt(w), 0) / (norm[a] * norm[b] || 1);
    for (let d = 0; d < docs.length; d++) {
      const listed = Array.from(g.nb.subarray(d * 3, d * 3 + 3)).filter((e) => e >= 0);
      listed.forEach((e, j) => {
        expect(e).not.toBe(d);
        expect(g.sim[d * 3 + j]).toBeCloseTo(cos(d, e), 12);
        if (j > 0) expect(g.sim[d * 3 + j]).toBeLessThanOrEqual(g.sim[d * 3 + j - 1]);
      });
      const positive = docs.map((_, e) => e).filter((e) => e !== d && cos(d, e) > 0);
      expect(listed.length).toBe(Math.min(3, positive.length));
      const floor = listed.length > 0 ? g.sim[d * 3 + listed.length - 1] : 0;
      for (const e of positive) if (!listed.includes(e)) expect(cos(d, e)).toBeLessThanOrEqual(floor + 1e-12);
    }
  });

  it('does not depend on the order of the texts (ties go by a seeded rank of the text)', () => {
    // Three identical texts: which two are a text's neighbours is a tie.
    const docs = [
      [1, 2],
      [1, 2],
      [1, 2],
      [3, 4],
      [3, 4],
    ];
    const g = textNeighbourGraph(docs, { k: 1, seed: 9 });
    const h = textNeighbourGraph(docs, { k: 1, seed: 10 });
    // Each of the identical texts picks another of them, whatever the seed.
    for (const x of [g, h]) {
      for (const d of [0, 1, 2]) expect([0, 1, 2].filter((e) => e !== d)).toContain(x.nb[d]);
      expect(x.nb[3]).toBe(4);
      expect(x.nb[4]).toBe(3);
    }
  });
});

describe('text-neighbour permutation test', () => {
  const rng = createRng(17);
  /** A text of `length` words from a long-tailed vocabulary of `vocab` words. */
  const doc = (length: number, vocab = 3000) =>
    Array.from({ length }, () => Math.floor(vocab * rng.random() ** 3));

  it('finds 5% of current texts that share rare words with each other, and lists them first', () => {
    // Prepare: a reference four times the window; 25 of 500 current texts each take two of ten
    // words no other text uses (so no single word is in more than ~5 of them).
    const ref = Array.from({ length: 2000 }, () => doc(10));
    const cur = Array.from({ length: 500 }, (_, i) =>
      i < 25 ? [...doc(8), 9000 + (i % 10), 9000 + ((i * 3 + 1) % 10)] : doc(10),
    );
    // Act
    const r = textNeighbourTest(ref, cur, { permutations: 1999, seed: 3 });
    // Assess
    expect(r.pValue).toBeLessThan(0.002);
    expect(r.statistic).toBeGreaterThan(r.expected + 10);
    // The planted texts lead the list (most current neighbours, then the nearest), and most of the
    // clustered texts are planted ones (chance clusters a few texts of one distribution too).
    expect(r.clustered.slice(0, 5).every((c) => c.index < 25)).toBe(true);
    expect(r.clustered.filter((c) => c.index < 25).length).toBeGreaterThanOrEqual(8);
    for (const c of r.clustered) expect(c.currentNeighbours.length).toBeGreaterThanOrEqual(r.k - 1);
  });

  it('stays quiet on one distribution and stops early there', () => {
    const r = textNeighbourTest(
      Array.from({ length: 2000 }, () => doc(10)),
      Array.from({ length: 500 }, () => doc(10)),
      { permutations: 1999, seed: 4 },
    );
    expect(r.pValue).toBeGreaterThan(0.01);
    expect(r.stoppedEarly).toBe(true);
    expect(r.permutations).toBeLessThan(1999);
  });

  it('keeps its p-values valid under the null: P(p <= a) <= a within sampling error (300 runs)', () => {
    const ps: number[] = [];
    // Act: windows drawn from one vocabulary, reference three times the current.
    for (let run = 0; run < 300; run++) {
      const ref = Array.from({ length: 150 }, () => doc(5, 300));
      const cur = Array.from({ length: 50 }, () => doc(5, 300));
      ps.push(textNeighbourTest(ref, cur, { permutations: 199, seed: run }).pValue);
    }
    // Assess: the rejection rate at 5% and 10% stays within a one-sided 99% binomial bound ...
    for (const a of [0.05, 0.1]) {
      const rate = ps.filter((p) => p <= a).length / ps.length;
      expect(rate).toBeLessThanOrEqual(a + 2.33 * Math.sqrt((a * (1 - a)) / ps.length));
    }
    // ... and the p-values spread over (0, 1] (a count statistic: ties make them conservative).
    expect(ps.filter((p) => p > 0.5).length).toBeGreaterThan(90);
    expect(ps.filter((p) => p <= 0.2).length).toBeGreaterThan(15);
  });

  it('takes more neighbours as the current share grows, so k - 1 current of k stays a 1% event', () => {
    // Binomial tails P(X >= k - 1), X ~ Bin(k, share) (scipy.stats.binom.sf(k - 2, k, share)): 5 at
    // 20% (0.00672), 6 at 25% (0.00464, where 5 gives 0.0156), 9 at 45% (0.00908, where 8 gives 0.0181).
    expect(neighboursFor(5, 0.2)).toBe(5);
    expect(neighboursFor(5, 0.25)).toBe(6);
    expect(neighboursFor(5, 0.45)).toBe(9);
    expect(neighboursFor(7, 0.01)).toBe(7);
    expect(neighboursFor(5, 0.95)).toBe(30);
  });

  it('rejects empty windows and a k below 2 with stable codes', () => {
    expect(() => textNeighbourTest([], [[1]])).toThrow(expect.objectContaining({ code: 'EMPTY_INPUT' }));
    expect(() => textNeighbourTest([[1]], [[1]], { k: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
