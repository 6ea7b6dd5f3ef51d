/**
 * Benjamini-Hochberg adjusted p-values (false discovery rate), as
 * scipy.stats.false_discovery_control(ps, method='bh'): p_(i) * m / i, made monotone from the
 * largest p down and capped at 1, returned in the input order.
 */
import { assertFiniteSample, StatsInputError } from './errors.ts';

export function benjaminiHochberg(pValues: ArrayLike<number>): number[] {
  assertFiniteSample(pValues, 'p-values');
  const m = pValues.length;
  for (let i = 0; i < m; i++) {
    if (pValues[i] < 0 || pValues[i] > 1) {
      throw new StatsInputError('INVALID_PROBABILITY', `p-values[${i}] is ${pValues[i]}, outside [0, 1]`);
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[a] - pValues[b]);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const idx = order[rank - 1];
    running = Math.min(running, (pValues[idx] * m) / rank);
    adjusted[idx] = running;
  }
  return adjusted;
}
