/** What every stats method declares about itself and returns: the threshold travels with the result. */
import type { DriftDirection } from '../monitor/types.ts';
import { StatsInputError } from './errors.ts';

export type StatDataType = 'numeric' | 'categorical' | 'embedding';

export interface StatMethodDescriptor {
  /** Registry key, e.g. `ks`, `mmd`. */
  readonly name: string;
  readonly title: string;
  /** A p-value (small means drift) or a distance/score (large means drift). */
  readonly kind: 'p_value' | 'distance';
  readonly direction: DriftDirection;
  readonly dataTypes: readonly StatDataType[];
  readonly defaultThreshold: number;
}

export interface StatResult {
  method: string;
  /** The test statistic or distance. */
  statistic: number;
  pValue?: number;
  /** Compared against `pValue` when the method is a p-value test, else against `statistic`. */
  threshold: number;
  direction: DriftDirection;
  drifted: boolean;
  referenceSize: number;
  currentSize: number;
}

/** Direction-aware verdict; a NaN value is an error, never a silent "no drift". */
export function isDrift(value: number, threshold: number, direction: DriftDirection): boolean {
  if (Number.isNaN(value) || Number.isNaN(threshold)) {
    throw new StatsInputError('NON_FINITE_INPUT', 'cannot judge drift on NaN');
  }
  return direction === 'low_is_drift' ? value < threshold : value >= threshold;
}

/** Builds the common result fields from a descriptor and the computed values. */
export function makeResult(
  descriptor: StatMethodDescriptor,
  values: {
    statistic: number;
    pValue?: number;
    threshold?: number;
    referenceSize: number;
    currentSize: number;
  },
): StatResult {
  const threshold = values.threshold ?? descriptor.defaultThreshold;
  const judged = descriptor.kind === 'p_value' ? values.pValue : values.statistic;
  if (judged === undefined) throw new Error(`${descriptor.name}: p-value method returned no p-value`);
  const result: StatResult = {
    method: descriptor.name,
    statistic: values.statistic,
    threshold,
    direction: descriptor.direction,
    drifted: isDrift(judged, threshold, descriptor.direction),
    referenceSize: values.referenceSize,
    currentSize: values.currentSize,
  };
  if (values.pValue !== undefined) result.pValue = values.pValue;
  return result;
}
