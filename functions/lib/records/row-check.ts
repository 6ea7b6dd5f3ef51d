/**
 * Whether a decoded row can stand as a prediction record. Readers and compaction take rows from any
 * Parquet file under the log's prefix, including foreign or damaged ones, so they check the columns
 * every check depends on instead of trusting the file. Columns that schema v2 allows to be null
 * (score, text statistics, token columns) are not required.
 */

/** What is wrong with a row, or null when it is a usable prediction record. */
export function predictionRowProblem(row: unknown, expectedDim?: number): string | null {
  if (row === null || typeof row !== 'object') return 'not a record';
  const r = row as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id.length === 0) return 'id is missing or not a string';
  if (!(r.timestamp instanceof Date) || !Number.isFinite(r.timestamp.getTime()))
    return 'timestamp is missing or not a timestamp';
  if (typeof r.label !== 'string') return 'label is missing or not a string';
  const e = r.embedding;
  if (!(Array.isArray(e) || e instanceof Float32Array || e instanceof Float64Array))
    return 'embedding is missing or not a list';
  if (e.length === 0) return 'embedding is empty';
  if (expectedDim !== undefined && expectedDim > 0 && e.length !== expectedDim)
    return `embedding has ${e.length} values, expected ${expectedDim}`;
  for (let i = 0; i < e.length; i++) {
    if (typeof e[i] !== 'number' || !Number.isFinite(e[i]))
      return 'embedding holds a value that is not a finite number';
  }
  return null;
}
