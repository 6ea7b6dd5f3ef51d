/**
 * Chi-square test of homogeneity on a 2 x k contingency table (reference counts vs current counts),
 * as scipy.stats.chi2_contingency(table, correction=False). No Yates correction by default, for any
 * table size (opt in with `yates: true`, applied like scipy only when dof == 1). Categories empty in
 * both windows are dropped first (scipy refuses zero expected frequencies); p from chi-square(dof).
 */
import { chiSquareSf } from './distributions.ts';
import { assertCounts, assertSameLength } from './errors.ts';
import { makeResult, type StatMethodDescriptor, type StatResult } from './types.ts';

export const chiSquareDescriptor: StatMethodDescriptor = {
  name: 'chi_square',
  title: 'Chi-square',
  kind: 'p_value',
  direction: 'low_is_drift',
  dataTypes: ['categorical'],
  defaultThreshold: 0.05,
};

export interface ChiSquareResult extends StatResult {
  dof: number;
}

export function chiSquareTest(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  options: { threshold?: number; yates?: boolean } = {},
): ChiSquareResult {
  const refTotal = assertCounts(referenceCounts, 'reference counts');
  const curTotal = assertCounts(currentCounts, 'current counts');
  assertSameLength(referenceCounts, currentCounts, 'chi-square counts');
  const total = refTotal + curTotal;
  const kept: number[] = [];
  for (let i = 0; i < referenceCounts.length; i++) {
    if (referenceCounts[i] + currentCounts[i] > 0) kept.push(i);
  }
  const dof = kept.length - 1;
  let statistic = 0;
  if (dof > 0) {
    for (const i of kept) {
      const column = referenceCounts[i] + currentCounts[i];
      for (const [observed, rowTotal] of [
        [referenceCounts[i], refTotal],
        [currentCounts[i], curTotal],
      ]) {
        const expected = (rowTotal * column) / total;
        let o = observed;
        if (options.yates && dof === 1) {
          const diff = expected - o;
          o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
        }
        statistic += ((o - expected) * (o - expected)) / expected;
      }
    }
  }
  const pValue = dof > 0 ? chiSquareSf(statistic, dof) : 1;
  const result = makeResult(chiSquareDescriptor, {
    statistic,
    pValue,
    threshold: options.threshold,
    referenceSize: refTotal,
    currentSize: curTotal,
  });
  return { ...result, dof: Math.max(dof, 0) };
}
