/** Embedding rows (number[][] or Float32Array[]) validated and packed into one row-major Float64Array. */
import { StatsInputError } from './errors.ts';

export type EmbeddingRows = readonly ArrayLike<number>[];

export interface PackedRows {
  data: Float64Array;
  rows: number;
  dim: number;
}

/** Validates shape and finiteness; `dim` pins the expected width (e.g. the other window's). */
export function packRows(rows: EmbeddingRows, label: string, dim?: number): PackedRows {
  if (rows.length === 0) throw new StatsInputError('EMPTY_INPUT', `${label} has no rows`);
  const d = dim ?? rows[0].length;
  if (d === 0) throw new StatsInputError('EMPTY_INPUT', `${label} rows have no dimensions`);
  const data = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.length !== d) {
      throw new StatsInputError(
        'DIMENSION_MISMATCH',
        `${label}[${i}] has ${row.length} dimensions, expected ${d}`,
      );
    }
    for (let k = 0; k < d; k++) {
      const v = row[k];
      if (!Number.isFinite(v)) {
        throw new StatsInputError(
          'NON_FINITE_INPUT',
          `${label}[${i}][${k}] is ${v}, expected a finite number`,
        );
      }
      data[i * d + k] = v;
    }
  }
  return { data, rows: rows.length, dim: d };
}

/** Packs two windows that must share one width. */
export function packPair(reference: EmbeddingRows, current: EmbeddingRows): [PackedRows, PackedRows] {
  const ref = packRows(reference, 'reference');
  if (current.length > 0 && current[0].length !== ref.dim) {
    throw new StatsInputError(
      'DIMENSION_MISMATCH',
      `current has ${current[0].length} dimensions, reference has ${ref.dim}`,
    );
  }
  return [ref, packRows(current, 'current', ref.dim)];
}
