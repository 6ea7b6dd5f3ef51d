import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../../functions/lib/stats/benjamini-hochberg.ts';
import { centroidCosine, centroidEuclidean, centroidSummary } from '../../../functions/lib/stats/centroid.ts';
import { chiSquareTest } from '../../../functions/lib/stats/chi-square.ts';
import { gammaQ } from '../../../functions/lib/stats/distributions.ts';
import { jensenShannonDistance } from '../../../functions/lib/stats/jensen-shannon.ts';
import { kolmogorovSf } from '../../../functions/lib/stats/kolmogorov.ts';
import { ksTest } from '../../../functions/lib/stats/ks.ts';
import { psi, psiFromCounts } from '../../../functions/lib/stats/psi.ts';
import { wassersteinTest } from '../../../functions/lib/stats/wasserstein.ts';

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is untyped
const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8'));

/** |a - b| <= tol * max(1, |b|): absolute near zero, relative for large values. */
function close(actual: number, expected: number, tol = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe('ks (scipy.stats.ks_2samp)', () => {
  const data = fixture('ks.json');
  for (const c of data.cases) {
    it(`matches statistic and p-value: ${c.name}`, () => {
      const r = ksTest(c.reference, c.current);
      close(r.statistic, c.statistic, 1e-12);
      // relative tolerance for tiny p-values, 1e-9 absolute otherwise
      expect(Math.abs((r.pValue ?? Number.NaN) - c.pValue)).toBeLessThanOrEqual(
        Math.max(1e-9, 1e-6 * c.pValue),
      );
      expect(r.pValueMethod).toBe(
        Math.max(c.reference.length, c.current.length) <= 10000 ? 'exact' : 'asymptotic',
      );
    });
  }
  it('matches scipy.stats.kstwo.sf across its method regions', () => {
    for (const c of data.kstwoSf) {
      expect(Math.abs(kolmogorovSf(c.n, c.x) - c.sf)).toBeLessThanOrEqual(Math.max(1e-10, 1e-8 * c.sf));
    }
  });
});

describe('chi-square (scipy.stats.chi2_contingency)', () => {
  const data = fixture('chi_square.json');
  it('reproduces the textbook answer: Agresti (2007) Table 2.5, X^2 = 30.07, df = 2', () => {
    const r = chiSquareTest([762, 327, 468], [484, 239, 477]);
    expect(r.statistic).toBeCloseTo(30.07, 2);
    expect(r.dof).toBe(2);
    expect(r.drifted).toBe(true);
  });
  for (const c of data.cases) {
    it(`matches scipy without and with Yates: ${c.name}`, () => {
      const r = chiSquareTest(c.reference, c.current);
      close(r.statistic, c.statistic);
      close(r.pValue ?? Number.NaN, c.pValue, 1e-10);
      expect(r.dof).toBe(c.dof);
      const y = chiSquareTest(c.reference, c.current, { yates: true });
      close(y.statistic, c.yatesStatistic);
      close(y.pValue ?? Number.NaN, c.yatesPValue, 1e-10);
    });
  }
  it('regularized upper incomplete gamma matches scipy.special.gammaincc', () => {
    for (const c of data.gammaQ) close(gammaQ(c.a, c.x), c.q, 1e-12);
  });
});

describe('Jensen-Shannon (scipy.spatial.distance.jensenshannon, base 2)', () => {
  for (const c of fixture('jensen_shannon.json').cases) {
    it(c.name, () => {
      close(
        jensenShannonDistance(c.reference, c.current, { smoothing: c.smoothing }).statistic,
        c.statistic,
        1e-12,
      );
    });
  }
});

describe('Wasserstein (scipy.stats.wasserstein_distance)', () => {
  for (const c of fixture('wasserstein.json').cases) {
    it(`n=${c.reference.length} m=${c.current.length}`, () => {
      const r = wassersteinTest(c.reference, c.current);
      close(r.distance, c.distance, 1e-12);
      close(r.statistic, c.normalized, 1e-12);
      close(wassersteinTest(c.reference, c.current, { normalized: false }).statistic, c.distance, 1e-12);
    });
  }
});

describe('Benjamini-Hochberg (scipy.stats.false_discovery_control)', () => {
  for (const c of fixture('benjamini_hochberg.json').cases) {
    it(`${c.pValues.length} p-values`, () => {
      const adjusted = benjaminiHochberg(c.pValues);
      c.adjusted.forEach((v: number, i: number) => {
        close(adjusted[i], v, 1e-14);
      });
    });
  }
});

describe('centroid distances (numpy, scipy.spatial.distance.cosine)', () => {
  for (const c of fixture('centroid.json').cases) {
    it(`d=${c.reference[0].length}, from rows and from running sums`, () => {
      close(centroidEuclidean(c.reference, c.current).statistic, c.euclidean, 1e-12);
      close(centroidCosine(c.reference, c.current).statistic, c.cosine, 1e-10);
      const merged = centroidSummary(c.reference);
      close(centroidCosine(merged, centroidSummary(c.current)).statistic, c.cosine, 1e-10);
    });
  }
});

describe('PSI (numpy reference in tools/fixtures/stats_fixtures.py)', () => {
  for (const c of fixture('psi.json').cases) {
    it(`${c.reference ? 'quantile-binned samples' : 'given counts with an empty bin'}`, () => {
      if (c.reference) {
        const r = psi(c.reference, c.current, { bins: c.bins });
        expect(r.edges).toEqual(c.edges);
        close(r.statistic, c.psi, 1e-12);
      }
      close(psiFromCounts(c.referenceCounts, c.currentCounts).statistic, c.psi, 1e-12);
    });
  }
});
