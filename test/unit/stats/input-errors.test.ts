import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../../functions/lib/stats/benjamini-hochberg.ts';
import { centroidCosine, centroidEuclidean } from '../../../functions/lib/stats/centroid.ts';
import { chiSquareTest } from '../../../functions/lib/stats/chi-square.ts';
import { domainClassifierTest } from '../../../functions/lib/stats/domain-classifier.ts';
import { StatsInputError } from '../../../functions/lib/stats/errors.ts';
import { jensenShannonDistance } from '../../../functions/lib/stats/jensen-shannon.ts';
import { ksTest } from '../../../functions/lib/stats/ks.ts';
import { mmdPermutationTest } from '../../../functions/lib/stats/mmd.ts';
import { psi, psiFromCounts } from '../../../functions/lib/stats/psi.ts';
import { getStatMethod, statMethods, statMethodsFor } from '../../../functions/lib/stats/registry.ts';
import { isDrift } from '../../../functions/lib/stats/types.ts';
import { wassersteinTest } from '../../../functions/lib/stats/wasserstein.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StatsInputError);
    return (error as StatsInputError).code;
  }
  throw new Error('expected a StatsInputError');
}

const ok = [1, 2, 3, 4, 5];
const rows = [
  [0, 1],
  [1, 0],
  [1, 1],
  [0, 0],
  [2, 1],
  [1, 2],
];

const samples: [string, (a: number[], b: number[]) => unknown][] = [
  ['ks', (a, b) => ksTest(a, b)],
  ['wasserstein', (a, b) => wassersteinTest(a, b)],
  ['psi', (a, b) => psi(a, b)],
  ['chi_square', (a, b) => chiSquareTest(a, b)],
  ['jensen_shannon', (a, b) => jensenShannonDistance(a, b)],
  ['psi counts', (a, b) => psiFromCounts(a, b)],
];
const embeddings: [string, (a: number[][], b: number[][]) => unknown][] = [
  ['mmd', (a, b) => mmdPermutationTest(a, b, { permutations: 5 })],
  ['domain_classifier', (a, b) => domainClassifierTest(a, b, { folds: 2 })],
  ['centroid_euclidean', (a, b) => centroidEuclidean(a, b)],
  ['centroid_cosine', (a, b) => centroidCosine(a, b)],
];

describe('every method refuses bad input with a stable code', () => {
  for (const [name, run] of samples) {
    it(name, () => {
      expect(codeOf(() => run([], ok))).toBe('EMPTY_INPUT');
      expect(codeOf(() => run(ok, []))).toBe('EMPTY_INPUT');
      expect(codeOf(() => run([1, Number.NaN, 3, 4, 5], ok))).toBe('NON_FINITE_INPUT');
      expect(codeOf(() => run(ok, [1, 2, Number.POSITIVE_INFINITY, 4, 5]))).toBe('NON_FINITE_INPUT');
    });
  }
  for (const [name, run] of embeddings) {
    it(name, () => {
      expect(codeOf(() => run([], rows))).toBe('EMPTY_INPUT');
      expect(codeOf(() => run(rows, [[0, Number.NaN], ...rows]))).toBe('NON_FINITE_INPUT');
      expect(codeOf(() => run(rows, [[0, 1, 2], ...rows]))).toBe('DIMENSION_MISMATCH');
      expect(codeOf(() => run(rows, [...rows, [1]]))).toBe('DIMENSION_MISMATCH');
    });
  }
  it('count vectors must align and be non-negative', () => {
    expect(codeOf(() => chiSquareTest([1, 2], [1, 2, 3]))).toBe('DIMENSION_MISMATCH');
    expect(codeOf(() => jensenShannonDistance([1, -2], [1, 2]))).toBe('NEGATIVE_COUNT');
    expect(codeOf(() => psiFromCounts([0, 0], [1, 2]))).toBe('EMPTY_INPUT');
  });
  it('MMD needs two rows per window; BH needs probabilities', () => {
    expect(codeOf(() => mmdPermutationTest([[1, 2]], rows))).toBe('INSUFFICIENT_SAMPLES');
    expect(codeOf(() => mmdPermutationTest(rows, rows, { permutations: 0 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => benjaminiHochberg([0.2, 1.5]))).toBe('INVALID_PROBABILITY');
    expect(codeOf(() => benjaminiHochberg([]))).toBe('EMPTY_INPUT');
    expect(codeOf(() => centroidCosine([[0, 0]], [[1, 1]]))).toBe('ZERO_VECTOR');
  });
});

describe('registry', () => {
  it('lists every method once, p-values low_is_drift and distances high_is_drift', () => {
    const names = statMethods.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of statMethods) {
      expect(m.direction).toBe(m.kind === 'p_value' ? 'low_is_drift' : 'high_is_drift');
      expect(Number.isNaN(m.defaultThreshold)).toBe(false);
    }
    expect(getStatMethod('mmd').dataTypes).toEqual(['embedding']);
    expect(statMethodsFor('categorical').map((m) => m.name)).toContain('chi_square');
    expect(codeOf(() => getStatMethod('nope'))).toBe('INVALID_OPTION');
  });
  it('judges drift by direction and refuses NaN instead of comparing false', () => {
    expect(isDrift(0.01, 0.05, 'low_is_drift')).toBe(true);
    expect(isDrift(0.01, 0.05, 'high_is_drift')).toBe(false);
    expect(codeOf(() => isDrift(Number.NaN, 0.05, 'low_is_drift'))).toBe('NON_FINITE_INPUT');
  });
  it('the threshold travels with the result and can be overridden', () => {
    const r = ksTest([1, 2, 3, 4], [5, 6, 7, 8], { threshold: 0.01 });
    expect(r.threshold).toBe(0.01);
    expect(r.pValue).toBeCloseTo(0.02857142857142857, 12);
    expect(r.drifted).toBe(false);
    expect(ksTest([1, 2, 3, 4], [5, 6, 7, 8]).drifted).toBe(true);
  });
});
