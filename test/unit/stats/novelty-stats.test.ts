import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kolmogorovSf } from '../../../functions/lib/stats/kolmogorov.ts';
import { logOddsDirichlet } from '../../../functions/lib/stats/log-odds.ts';
import { mannWhitneyGreater } from '../../../functions/lib/stats/mann-whitney.ts';
import { mmdPermutationTest, mmdWithStrata } from '../../../functions/lib/stats/mmd.ts';
import {
  fitUnigram,
  knnCosineDistance,
  meanSurprisal,
  tokenizeWords,
} from '../../../functions/lib/stats/novelty-scores.ts';
import { createRng, type Rng } from '../../../functions/lib/stats/rng.ts';
import {
  conformalPValue,
  negativeHypergeometricSf,
  tailExcessTest,
} from '../../../functions/lib/stats/tail-excess.ts';
import { withinSumKernel } from '../../../functions/lib/stats/within-sum-simd.ts';
import { hypergeometricTailSurprisal, wordExcessTest } from '../../../functions/lib/stats/word-excess.ts';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/stats/novelty.json', import.meta.url), 'utf8'),
);

const gauss = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng.random())) * Math.cos(2 * Math.PI * rng.random());

/** One-sample KS p-value of `ps` against Uniform(0, 1). */
function ksUniformP(ps: number[]): number {
  const s = [...ps].sort((a, b) => a - b);
  let d = 0;
  s.forEach((p, i) => {
    d = Math.max(d, (i + 1) / s.length - p, p - i / s.length);
  });
  return kolmogorovSf(s.length, d);
}

describe('mannWhitneyGreater (scipy.stats.mannwhitneyu, greater, asymptotic, continuity)', () => {
  for (const c of fixture.mannWhitney) {
    it(c.name, () => {
      // Prepare / Act
      const r = mannWhitneyGreater(c.x, c.y);
      // Assess
      expect(r.u).toBe(c.u);
      expect(Math.abs(r.pValue - c.pValue)).toBeLessThan(1e-9 + 1e-7 * c.pValue);
    });
  }
});

describe('tail excess (split-conformal count, exact negative hypergeometric)', () => {
  for (const c of fixture.tailExcess) {
    it(`sf and pmf match scipy nhypergeom (n=${c.calibration}, m=${c.current}, r=${c.rank}, k=${c.exceed})`, () => {
      const { sf, pmf } = negativeHypergeometricSf(c.exceed, c.calibration, c.current, c.rank);
      expect(Math.abs(sf - c.sf)).toBeLessThan(1e-12 + 1e-9 * c.sf);
      expect(Math.abs(pmf - c.pmf)).toBeLessThan(1e-12 + 1e-9 * c.pmf);
    });
  }

  it('counts current scores strictly above the r-th largest calibration score', () => {
    const calibration = Array.from({ length: 19 }, (_, i) => i + 1); // r = floor(0.05 * 20) = 1: threshold 19
    const r = tailExcessTest(calibration, [20, 5, 25, 19], 0.05);
    expect(r.threshold).toBe(19);
    expect(r.exceed).toBe(2);
    expect(r.expectedShare).toBeCloseTo(1 / 20, 12);
  });

  it('null calibration: randomised tail p-values and Mann-Whitney p-values are uniform (KS over 400 runs)', () => {
    // Prepare: calibration and current scored against one fitted part, as the check does.
    const rng = createRng(11);
    const tail: number[] = [];
    const rank: number[] = [];
    for (let run = 0; run < 400; run++) {
      const cal = Array.from({ length: 120 }, () => gauss(rng));
      const cur = Array.from({ length: 200 }, () => gauss(rng));
      // Act
      const t = tailExcessTest(cal, cur, 0.05);
      tail.push(t.pValue - rng.random() * t.pointProbability);
      rank.push(mannWhitneyGreater(cal, cur).pValue);
    }
    // Assess
    expect(ksUniformP(tail)).toBeGreaterThan(0.01);
    expect(ksUniformP(rank)).toBeGreaterThan(0.01);
  });

  it('null calibration on real scores: unigram surprisal of texts from one vocabulary (KS over 300 runs)', () => {
    const rng = createRng(5);
    const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
    // Zipf-like word choice, 5 to 14 words a text.
    const doc = () =>
      Array.from(
        { length: 5 + Math.floor(rng.random() * 10) },
        () => words[Math.floor(300 * rng.random() ** 2)],
      );
    const ps: number[] = [];
    for (let run = 0; run < 300; run++) {
      const model = fitUnigram(Array.from({ length: 60 }, doc));
      const cal = Array.from({ length: 60 }, () => meanSurprisal(model, doc()));
      const cur = Array.from({ length: 80 }, () => meanSurprisal(model, doc()));
      const t = tailExcessTest(cal, cur, 0.05);
      ps.push(t.pValue - rng.random() * t.pointProbability);
    }
    expect(ksUniformP(ps)).toBeGreaterThan(0.01);
  });

  it('finds 10% of far-away scores', () => {
    const rng = createRng(2);
    const cal = Array.from({ length: 400 }, () => gauss(rng));
    const cur = Array.from({ length: 1000 }, (_, i) => (i < 100 ? 4 + gauss(rng) : gauss(rng)));
    expect(tailExcessTest(cal, cur, 0.05).pValue).toBeLessThan(1e-6);
  });

  it('conformal p-value of one score', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(conformalPValue(sorted, 5)).toBeCloseTo(1 / 5, 12);
    expect(conformalPValue(sorted, 3)).toBeCloseTo(3 / 5, 12);
    expect(conformalPValue(sorted, 0)).toBeCloseTo(1, 12);
  });
});

describe('log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008)', () => {
  it('matches the worked example term by term', () => {
    const { a, b, words } = fixture.logOdds;
    const out = logOddsDirichlet(new Map(Object.entries(a)), new Map(Object.entries(b)));
    for (const w of words) {
      const got = out.find((x) => x.word === w.word);
      expect(got, w.word).toBeDefined();
      expect(Math.abs((got?.delta ?? 0) - w.delta)).toBeLessThan(1e-12);
      expect(Math.abs((got?.z ?? 0) - w.z)).toBeLessThan(1e-12);
    }
    // Sorted by z: the corpus-a words first, "film" and "plot" (corpus b) last.
    expect(out[0].word).toBe('battery');
    expect(out.at(-1)?.word).toBe('film');
  });
});

describe('novelty scores', () => {
  it('tokenizes words with inner apostrophes, lower-cased', () => {
    expect(tokenizeWords("It does n't WORK, don't it?")).toEqual([
      'it',
      'does',
      "n't",
      'work',
      "don't",
      'it',
    ]);
  });

  it('unseen tokens are more surprising than seen ones', () => {
    const model = fitUnigram([
      ['a', 'b', 'a'],
      ['a', 'c'],
    ]);
    expect(meanSurprisal(model, ['z'])).toBeGreaterThan(meanSurprisal(model, ['a']));
    expect(Number.isNaN(meanSurprisal(model, []))).toBe(true);
  });

  it('kNN cosine distance equals a brute-force computation (fit size not a multiple of four)', () => {
    const rng = createRng(12);
    const fit = cloud(rng, 37, 9);
    const queries = cloud(rng, 23, 9);
    const cos = (a: number[], b: number[]) => {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let k = 0; k < a.length; k++) {
        ab += a[k] * b[k];
        aa += a[k] * a[k];
        bb += b[k] * b[k];
      }
      return 1 - ab / Math.sqrt(aa * bb);
    };
    const got = knnCosineDistance(fit, queries, 5);
    queries.forEach((q, i) => {
      const d = fit.map((f) => cos(f, q)).sort((a, b) => a - b);
      expect(got[i]).toBeCloseTo(d.slice(0, 5).reduce((s, v) => s + v, 0) / 5, 10);
    });
  });

  it('kNN cosine distance: 0 to an identical row, mean over the k nearest', () => {
    const fit = [
      [1, 0],
      [0, 1],
      [1, 1],
    ];
    const d = knnCosineDistance(fit, [[2, 0]], 2);
    expect(d[0]).toBeCloseTo((0 + (1 - Math.SQRT1_2)) / 2, 12);
  });
});

function cloud(rng: Rng, n: number, dim: number, shift = 0, dims = dim): number[][] {
  return Array.from({ length: n }, () =>
    Array.from({ length: dim }, (_, k) => gauss(rng) + (k < dims ? shift : 0)),
  );
}

describe('MMD permutation test with Besag-Clifford early stopping', () => {
  it("agrees with the full test's decision at 0.01 and 0.05 on clear and null cases", () => {
    const rng = createRng(9);
    const cases = [
      [cloud(rng, 80, 6), cloud(rng, 80, 6, 1, 2)], // clear shift
      [cloud(rng, 80, 6), cloud(rng, 80, 6)], // null
      [cloud(rng, 60, 6), cloud(rng, 90, 6, 0.35, 3)], // moderate
      [cloud(rng, 70, 6), cloud(rng, 70, 6)], // null
    ];
    for (const [x, y] of cases) {
      const full = mmdPermutationTest(x, y, { permutations: 999, seed: 4 });
      const early = mmdPermutationTest(x, y, { permutations: 999, seed: 4, earlyStop: 10 });
      for (const level of [0.01, 0.05]) {
        // Early stopping at h = 10 can only stop once p >= 10 / 999 > 0.01; at 0.05 it agrees unless near it.
        if (level === 0.01 || Math.abs((full.pValue ?? 1) - level) > 0.02)
          expect((early.pValue ?? 1) < level).toBe((full.pValue ?? 1) < level);
      }
      expect(early.statistic).toBe(full.statistic);
      if (early.stoppedEarly) expect(early.permutations).toBeLessThan(999);
    }
  });

  it('stops early on null data and keeps the false-alarm rate (200 null runs)', () => {
    const rng = createRng(21);
    let rejections = 0;
    let permutations = 0;
    for (let run = 0; run < 200; run++) {
      const r = mmdPermutationTest(cloud(rng, 30, 4), cloud(rng, 30, 4), {
        permutations: 199,
        seed: run,
        earlyStop: 10,
      });
      if ((r.pValue ?? 1) < 0.05) rejections++;
      permutations += r.permutations;
    }
    expect(rejections / 200).toBeLessThan(0.05 + 1.645 * Math.sqrt((0.05 * 0.95) / 200));
    expect(permutations / 200).toBeLessThan(100);
  });

  it('the stratified test tells a changed label mix from a new kind of text', () => {
    const rng = createRng(3);
    // Two kinds (labels) far apart; the current window has more of kind 1 but nothing new.
    const kind = (label: number, n: number) => cloud(rng, n, 5, label === 1 ? 3 : 0, 5);
    const ref = [...kind(0, 60), ...kind(1, 60)];
    const mix = [...kind(0, 30), ...kind(1, 90)];
    const strataOf = (a: number, b: number, c: number, d: number) => [
      ...Array(a).fill(0),
      ...Array(b).fill(1),
      ...Array(c).fill(0),
      ...Array(d).fill(1),
    ];
    const m = mmdWithStrata(ref, mix, strataOf(60, 60, 30, 90), { permutations: 199, seed: 1 });
    expect(m.plain.pValue).toBeLessThan(0.01);
    expect(m.stratified.pValue).toBeGreaterThan(0.05);
    // New text inside kind 0: both tests find it.
    const novel = [...kind(0, 40), ...cloud(rng, 20, 5, -4, 5), ...kind(1, 60)];
    const n = mmdWithStrata(ref, novel, strataOf(60, 60, 60, 60), { permutations: 999, seed: 1 });
    expect(n.plain.pValue).toBeLessThan(0.01);
    expect(n.stratified.pValue).toBeLessThan(0.01);
  });
});

describe('SIMD within-group kernel sums', () => {
  it('equal the pairwise sum and the JavaScript fallback', () => {
    const rng = createRng(1);
    const n = 37;
    const upper = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) upper[i * n + j] = rng.random();
    const group = Int32Array.from([0, 3, 4, 9, 15, 16, 30, 36]);
    let exact = 0;
    for (let a = 0; a < group.length; a++)
      for (let b = a + 1; b < group.length; b++) exact += 2 * upper[group[a] * n + group[b]];
    expect(withinSumKernel(upper, n).within(group)).toBeCloseTo(exact, 4);
    expect(withinSumKernel(upper, n, false).within(group)).toBeCloseTo(exact, 4);
  });
});

describe('word-excess permutation test', () => {
  it('finds a new vocabulary in 10% of current texts and stays quiet without one', () => {
    const rng = createRng(8);
    const doc = (base: number) => Array.from({ length: 8 }, () => base + Math.floor(400 * rng.random() ** 2));
    const ref = Array.from({ length: 300 }, () => doc(0));
    const same = Array.from({ length: 300 }, () => doc(0));
    const mixed = Array.from({ length: 300 }, (_, i) =>
      i < 30 ? [...doc(0).slice(0, 5), 1000 + (i % 4), 1004] : doc(0),
    );
    const hit = wordExcessTest(ref, mixed, { permutations: 999, seed: 1 });
    expect(hit.pValue).toBeLessThan(0.005);
    expect(hit.words[0].token).toBe(1004);
    const quiet = wordExcessTest(ref, same, { permutations: 999, seed: 1 });
    expect(quiet.pValue).toBeGreaterThan(0.01);
  });

  it('scores each word by its exact hypergeometric tail (scipy.stats.hypergeom.sf)', () => {
    for (const c of fixture.hypergeometricTail.cases) {
      // Act
      const tail = hypergeometricTailSurprisal(c.population, c.current, c.texts);
      // Assess: -ln P(C >= count), to 1e-9 relative in p.
      expect(Math.abs(Math.exp(-tail[c.count]) - c.tail)).toBeLessThan(1e-12 + 1e-9 * c.tail);
    }
  });

  it('finds a few words only new texts use among many rare reference words, with a small reference share', () => {
    // Prepare: a reference four times the window with a long tail of rare words (where the z-score
    // sum is noise); 20 of 500 current texts share two words no reference text has.
    const rng = createRng(12);
    const doc = () => Array.from({ length: 10 }, () => Math.floor(3000 * rng.random() ** 3));
    const ref = Array.from({ length: 2000 }, doc);
    const cur = Array.from({ length: 500 }, (_, i) => (i < 20 ? [...doc().slice(0, 8), 9001, 9002] : doc()));
    // Act
    const r = wordExcessTest(ref, cur, { permutations: 1999, seed: 3 });
    // Assess
    expect(r.pValue).toBeLessThan(0.002);
    const found = r.words.filter((w) => w.token === 9001 || w.token === 9002);
    expect(found).toHaveLength(2);
    for (const w of found) {
      expect(w.current).toBe(20);
      expect(w.reference).toBe(0);
      // C(500, 20) / C(2500, 20) (Python math.comb): all 20 texts holding it fell in the window.
      expect(Math.abs(w.pValue / 7.6996736e-15 - 1)).toBeLessThan(1e-4);
    }
  });

  it('gated permutations give exactly the statistics and p-value of a full scan of every word', () => {
    // Prepare: long texts (many candidate words, where the gate skips most of them), with and without
    // a new vocabulary, and a tiny vocabulary where the top lists never fill above the gates (rescan).
    // (Counted once by instrumenting: the long-text cases scan only gated words in all 319 permutations,
    // the tiny one rescans in all 153.)
    const rng = createRng(41);
    const doc = (length: number, vocab: number) =>
      Array.from({ length }, () => Math.floor(vocab * rng.random() ** 2));
    const cases = [
      {
        ref: Array.from({ length: 400 }, () => doc(60, 4000)),
        cur: Array.from({ length: 100 }, () => doc(60, 4000)),
      },
      {
        ref: Array.from({ length: 400 }, () => doc(60, 4000)),
        cur: Array.from({ length: 100 }, (_, i) => (i < 8 ? [...doc(50, 4000), 5000, 5001] : doc(60, 4000))),
      },
      {
        ref: Array.from({ length: 60 }, () => doc(3, 12)),
        cur: Array.from({ length: 30 }, () => doc(3, 12)),
      },
    ];
    for (const [i, c] of cases.entries()) {
      // Act
      const gated = wordExcessTest(c.ref, c.cur, { permutations: 299, seed: i });
      const full = wordExcessTest(c.ref, c.cur, { permutations: 299, seed: i, gated: false });
      // Assess: identical, down to the permutation count.
      expect(gated).toEqual(full);
    }
  });

  it('keeps its p-values valid under the null: P(p <= a) <= a within sampling error (300 runs)', () => {
    // Prepare: windows drawn from one vocabulary, reference twice the current.
    const rng = createRng(31);
    const doc = () => Array.from({ length: 6 }, () => Math.floor(200 * rng.random() ** 2));
    const ps: number[] = [];
    // Act
    for (let run = 0; run < 300; run++) {
      const ref = Array.from({ length: 80 }, doc);
      const cur = Array.from({ length: 40 }, doc);
      ps.push(wordExcessTest(ref, cur, { permutations: 199, calibration: 30, seed: run }).pValue);
    }
    // Assess: the rejection rate at 5% and 10% stays within a one-sided 99% binomial bound.
    for (const a of [0.05, 0.1]) {
      const rate = ps.filter((p) => p <= a).length / ps.length;
      expect(rate).toBeLessThanOrEqual(a + 2.33 * Math.sqrt((a * (1 - a)) / ps.length));
    }
    // and the p-values are not degenerate (they spread over (0, 1]).
    expect(ps.filter((p) => p > 0.5).length).toBeGreaterThan(90);
  });
});
