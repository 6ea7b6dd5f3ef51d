/** Input errors every stats method throws, with a stable code a caller can branch on. */

export type StatsInputErrorCode =
  | 'EMPTY_INPUT'
  | 'NON_FINITE_INPUT'
  | 'DIMENSION_MISMATCH'
  | 'INSUFFICIENT_SAMPLES'
  | 'NEGATIVE_COUNT'
  | 'INVALID_PROBABILITY'
  | 'INVALID_OPTION'
  | 'ZERO_VECTOR';

export class StatsInputError extends Error {
  readonly code: StatsInputErrorCode;

  constructor(code: StatsInputErrorCode, message: string) {
    super(message);
    this.name = 'StatsInputError';
    this.code = code;
  }
}

/** Throws unless `values` is non-empty and every entry is a finite number. */
export function assertFiniteSample(values: ArrayLike<number>, label: string): void {
  if (values.length === 0) throw new StatsInputError('EMPTY_INPUT', `${label} is empty`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new StatsInputError(
        'NON_FINITE_INPUT',
        `${label}[${i}] is ${values[i]}, expected a finite number`,
      );
    }
  }
}

/** Throws unless `counts` is a non-empty vector of finite, non-negative numbers with a positive total. */
export function assertCounts(counts: ArrayLike<number>, label: string): number {
  assertFiniteSample(counts, label);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] < 0) throw new StatsInputError('NEGATIVE_COUNT', `${label}[${i}] is negative`);
    total += counts[i];
  }
  if (total <= 0) throw new StatsInputError('EMPTY_INPUT', `${label} sums to zero`);
  return total;
}

export function assertSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) {
    throw new StatsInputError('DIMENSION_MISMATCH', `${what}: lengths differ (${a.length} vs ${b.length})`);
  }
}
