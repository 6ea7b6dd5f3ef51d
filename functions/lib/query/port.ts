/**
 * The query port: SQL text in, rows out. DuckDB over local Parquet and Athena over the Glue table
 * implement it (functions/adapters/duckdb-engine.ts, athena-engine.ts); the SQL lives in this folder.
 */
import type { SqlDialect } from './sql.ts';

/** A value as the port returns it: numbers for every numeric type, arrays of numbers for lists. */
export type QueryValue = string | number | boolean | null | readonly number[];

/** Rows as columns, so a window of millions of rows is a few arrays, not millions of objects. */
export interface QueryResult {
  columns: string[];
  values: Record<string, QueryValue[]>;
  rowCount: number;
}

/** Which part of the log a query reads: one model version over [fromMs, toMs). */
export interface LogScope {
  model: string;
  version: string;
  fromMs: number;
  toMs: number;
}

export interface QueryEngine {
  readonly dialect: SqlDialect;
  /**
   * The FROM target of the prediction log for a scope (a table name, or a table function over the
   * scope's files); null when the scope has no data at all. Partition columns: model, version, date, hour.
   */
  relation(scope: LogScope): Promise<string | null>;
  query(sql: string): Promise<QueryResult>;
  /** The same result handed over in chunks, so millions of rows are never all held twice. */
  stream?(sql: string, onChunk: (chunk: QueryResult) => void): Promise<void>;
}

/** Thrown by engines when a query fails; `code` names why (a limit, a cancellation, a failure). */
export class QueryFailedError extends Error {
  constructor(
    readonly code: 'QUERY_FAILED' | 'QUERY_CANCELLED' | 'QUERY_BYTES_SCANNED_LIMIT' | 'QUERY_TIMEOUT',
    message: string,
  ) {
    super(message);
    this.name = 'QueryFailedError';
  }
}
