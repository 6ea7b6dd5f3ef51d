/**
 * Wasserstein-1 (earth mover's) distance between two 1-D samples, the area between their empirical
 * CDFs, computed as scipy.stats.wasserstein_distance does. `normalized` divides by the reference's
 * standard deviation (floored at 0.001), Evidently's "wasserstein normed", so one threshold fits all scales.
 */
import { assertFiniteSample } from './errors.ts';
import { makeResult, type StatMethodDescriptor, type StatResult } from './types.ts';

export const wassersteinDescriptor: StatMethodDescriptor = {
  name: 'wasserstein',
  title: 'Wasserstein distance (normed)',
  kind: 'distance',
  direction: 'high_is_drift',
  dataTypes: ['numeric'],
  defaultThreshold: 0.1,
};

/** Raw W1 distance between samples `u` and `v`. */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  assertFiniteSample(u, 'reference');
  assertFiniteSample(v, 'current');
  const a = Float64Array.from(u).sort();
  const b = Float64Array.from(v).sort();
  const all = new Float64Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  all.sort();
  let i = 0;
  let j = 0;
  let total = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k];
    while (i < a.length && a[i] <= x) i++;
    while (j < b.length && b[j] <= x) j++;
    total += Math.abs(i / a.length - j / b.length) * (all[k + 1] - x);
  }
  return total;
}

function populationStd(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return Math.sqrt(ss / values.length);
}

export function wassersteinTest(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: { threshold?: number; normalized?: boolean } = {},
): StatResult & { distance: number } {
  const distance = wassersteinDistance(reference, current);
  const scale = options.normalized === false ? 1 : Math.max(populationStd(reference), 0.001);
  const result = makeResult(wassersteinDescriptor, {
    statistic: distance / scale,
    threshold: options.threshold,
    referenceSize: reference.length,
    currentSize: current.length,
  });
  return { ...result, distance };
}
