/**
 * The query port on Amazon Athena over the Glue table of the prediction log: start the query in the
 * workgroup (which enforces encrypted results and the bytes-scanned cutoff), poll until it ends, page the
 * results. A failed, cancelled, over-limit or overdue query becomes a QueryFailedError with its code.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  type LogScope,
  type QueryEngine,
  QueryFailedError,
  type QueryResult,
  type QueryValue,
} from '../lib/query/port.ts';
import { ident } from '../lib/query/sql.ts';

export interface AthenaEngineOptions {
  client: Pick<AthenaClient, 'send'>;
  workgroup: string;
  database: string;
  /** @default 'predictions' */
  table?: string;
  /** First wait between polls; grows by half up to 5 s. @default 500 */
  pollIntervalMs?: number;
  /** A query still running after this is stopped and fails with QUERY_TIMEOUT. @default 600000 */
  timeoutMs?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

const NUMERIC = new Set([
  'tinyint',
  'smallint',
  'integer',
  'int',
  'bigint',
  'double',
  'float',
  'real',
  'decimal',
]);

/** Athena returns every value as text: numbers, booleans and arrays of numbers are parsed back. */
export function parseAthenaValue(text: string | undefined, type: string): QueryValue {
  if (text === undefined) return null;
  const t = type.toLowerCase();
  if (NUMERIC.has(t)) return Number(text);
  if (t === 'boolean') return text === 'true';
  if (t === 'array') {
    const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
    if (inner === '') return [];
    return inner.split(',').map((x) => Number(x.trim()));
  }
  return text;
}

function failure(state: string | undefined, reason: string | undefined, id: string): QueryFailedError {
  const why = reason ?? 'no reason given';
  if (/bytes scanned limit/i.test(why)) {
    return new QueryFailedError(
      'QUERY_BYTES_SCANNED_LIMIT',
      `Athena query ${id} scanned more than the workgroup's per-query limit: ${why}`,
    );
  }
  if (state === 'CANCELLED')
    return new QueryFailedError('QUERY_CANCELLED', `Athena query ${id} was cancelled: ${why}`);
  return new QueryFailedError('QUERY_FAILED', `Athena query ${id} failed: ${why}`);
}

export function createAthenaEngine(options: AthenaEngineOptions): QueryEngine {
  const { client } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeoutMs = options.timeoutMs ?? 600_000;
  const relation = `${ident(options.database)}.${ident(options.table ?? 'predictions')}`;

  async function waitFor(id: string): Promise<void> {
    const deadline = now() + timeoutMs;
    let wait = options.pollIntervalMs ?? 500;
    for (;;) {
      const out = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const status = out.QueryExecution?.Status;
      const state = status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') throw failure(state, status?.StateChangeReason, id);
      if (now() + wait > deadline) {
        await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
        throw new QueryFailedError(
          'QUERY_TIMEOUT',
          `Athena query ${id} did not finish in ${timeoutMs} ms; stopped`,
        );
      }
      await sleep(wait);
      wait = Math.min(5000, Math.round(wait * 1.5));
    }
  }

  async function results(id: string): Promise<QueryResult> {
    let columns: string[] = [];
    let types: string[] = [];
    const values: Record<string, QueryValue[]> = {};
    let rowCount = 0;
    let token: string | undefined;
    let first = true;
    do {
      const page = await client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }),
      );
      if (first) {
        const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columns = info.map((c) => c.Name ?? '');
        types = info.map((c) => c.Type ?? 'varchar');
        for (const c of columns) values[c] = [];
      }
      const rows = page.ResultSet?.Rows ?? [];
      // The first row of the first page repeats the column names.
      for (const row of first ? rows.slice(1) : rows) {
        const data = row.Data ?? [];
        columns.forEach((c, i) => {
          values[c].push(parseAthenaValue(data[i]?.VarCharValue, types[i]));
        });
        rowCount++;
      }
      first = false;
      token = page.NextToken;
    } while (token);
    return { columns, values, rowCount };
  }

  return {
    dialect: 'athena',
    // The table always exists; partition projection finds the scope's partitions from the WHERE clause.
    relation: async (_scope: LogScope) => relation,
    async query(sql) {
      const started = await client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: options.workgroup,
          QueryExecutionContext: { Database: options.database },
        }),
      );
      const id = started.QueryExecutionId;
      if (!id) throw new QueryFailedError('QUERY_FAILED', 'Athena returned no query execution id');
      await waitFor(id);
      return results(id);
    },
  };
}
