/**
 * Volume against the usual: the factor by which the current count is off the expected one, either
 * way (max(c/e, e/c)), so a traffic drop and a flood read on one scale.
 */
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber } from './finding.ts';

export function volumeFactor(current: number, expected: number): number {
  if (expected <= 0) return current > 0 ? Number.POSITIVE_INFINITY : 1;
  if (current <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(current / expected, expected / current);
}

/** Largest finite factor reported; an empty window against real traffic is this far off. */
const MAX_FACTOR = 1e6;

export function volumeCheck(ctx: CheckContext): DraftFinding {
  const { current, config } = ctx;
  const expected = ctx.expectedVolume ?? null;
  const base = {
    check: 'integrity.volume',
    group: 'integrity' as const,
    title: 'Volume',
    method: null,
    thresholds: { ...config.integrity.volumeFactor },
    direction: 'high_is_drift' as const,
    referenceSize: ctx.reference.size,
    currentSize: current.size,
    minSampleSize: 1,
    maxVerdict: 'alert' as const,
    pValue: null,
  };
  if (expected === null || !Number.isFinite(expected) || expected <= 0) {
    return {
      ...base,
      value: null,
      insufficient: true,
      describe: '',
      details: { reason: 'no usual volume known yet' },
    };
  }
  const factor = Math.min(volumeFactor(current.size, expected), MAX_FACTOR);
  return {
    ...base,
    value: factor,
    insufficient: false,
    describe: `${current.size} records against about ${formatNumber(expected)} expected (${formatNumber(factor)}x ${current.size >= expected ? 'more' : 'fewer'})`,
    details: { expected, current: current.size },
  };
}
