/**
 * Jensen-Shannon distance (the square root of the divergence) in bits, as
 * scipy.spatial.distance.jensenshannon(p, q, base=2): 0 for identical distributions, 1 at most.
 * Zero bins need no smoothing (0 log 0 = 0); `smoothing` adds a pseudo-count to every bin of both
 * vectors before normalizing (Laplace smoothing), for callers who want sparse bins damped.
 */
import { assertCounts, assertSameLength, StatsInputError } from './errors.ts';
import { makeResult, type StatMethodDescriptor, type StatResult } from './types.ts';

export const jensenShannonDescriptor: StatMethodDescriptor = {
  name: 'jensen_shannon',
  title: 'Jensen-Shannon distance',
  kind: 'distance',
  direction: 'high_is_drift',
  dataTypes: ['categorical', 'numeric'],
  defaultThreshold: 0.1,
};

function relativeEntropy(x: number, y: number): number {
  return x > 0 ? x * Math.log(x / y) : 0;
}

/** Distance between two count (or probability) vectors over the same bins. */
export function jensenShannonDistance(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  options: { threshold?: number; smoothing?: number } = {},
): StatResult {
  const smoothing = options.smoothing ?? 0;
  if (!(smoothing >= 0) || !Number.isFinite(smoothing)) {
    throw new StatsInputError('INVALID_OPTION', 'smoothing must be a finite number >= 0');
  }
  const refTotal = assertCounts(referenceCounts, 'reference counts');
  const curTotal = assertCounts(currentCounts, 'current counts');
  assertSameLength(referenceCounts, currentCounts, 'Jensen-Shannon counts');
  const k = referenceCounts.length;
  let divergence = 0;
  for (let i = 0; i < k; i++) {
    const p = (referenceCounts[i] + smoothing) / (refTotal + k * smoothing);
    const q = (currentCounts[i] + smoothing) / (curTotal + k * smoothing);
    const m = (p + q) / 2;
    divergence += relativeEntropy(p, m) + relativeEntropy(q, m);
  }
  const statistic = Math.sqrt(Math.max(0, divergence / Math.LN2 / 2));
  return makeResult(jensenShannonDescriptor, {
    statistic,
    threshold: options.threshold,
    referenceSize: refTotal,
    currentSize: curTotal,
  });
}
