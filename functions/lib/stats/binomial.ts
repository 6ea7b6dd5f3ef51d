/**
 * One-sided exact binomial test: the chance of k or fewer successes in n trials when the true rate is p
 * (scipy.stats.binomtest(k, n, p, alternative='less')). Used to ask whether a window's accuracy is
 * really below the reference's, not just lower by sampling noise.
 */
import { logBinomial } from './distributions.ts';
import { StatsInputError } from './errors.ts';

export function binomialTestLess(k: number, n: number, p: number): number {
  if (!Number.isInteger(n) || n <= 0)
    throw new StatsInputError('EMPTY_INPUT', `n must be a positive integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new StatsInputError('INVALID_OPTION', `k must be an integer in [0, n], got ${k}`);
  if (!(p >= 0 && p <= 1)) throw new StatsInputError('INVALID_PROBABILITY', `p must be in [0, 1], got ${p}`);
  if (k === n || p === 0) return 1;
  if (p === 1) return 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // Sum the tail in log space from its largest term so small p-values keep their precision.
  const terms: number[] = [];
  let max = -Infinity;
  for (let i = 0; i <= k; i++) {
    const t = logBinomial(n, i) + i * logP + (n - i) * logQ;
    terms.push(t);
    if (t > max) max = t;
  }
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}
