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
  /**
   * Reads an `s3://` object (the query's CSV result file). When given, `stream` reads a result whole
   * from S3 instead of paging GetQueryResults 1,000 rows at a time (minutes for millions of rows).
   */
  readObject?: (s3Uri: string) => Promise<Uint8Array>;
}

/** Rows of Athena's CSV result: every field quoted ("" inside), a null is an empty unquoted field. */
export function parseAthenaCsv(text: string): (string | undefined)[][] {
  const rows: (string | undefined)[][] = [];
  let row: (string | undefined)[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field in the Athena result');
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      row.push(value);
    } else {
      // Unquoted: an empty field (NULL) up to the next separator.
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n') j++;
      const raw = text.slice(i, j).replace(/\r$/, '');
      row.push(raw === '' ? undefined : raw);
      i = j;
    }
    if (text[i] === ',') {
      i++;
      if (i === n || text[i] === '\n') row.push(undefined);
    }
    if (i < n && (text[i] === '\n' || text[i] === '\r')) {
      if (text[i] === '\r') i++;
      i++;
      rows.push(row);
      row = [];
    }
  }
  if (row.length > 0) rows.push(row);
  return rows;
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

  async function start(sql: string): Promise<string> {
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
    return id;
  }

  /** The whole result from its CSV file in S3; column types from one GetQueryResults call. */
  async function fromResultFile(
    id: string,
    readObject: (uri: string) => Promise<Uint8Array>,
  ): Promise<QueryResult> {
    const exec = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const location = exec.QueryExecution?.ResultConfiguration?.OutputLocation;
    const meta = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1 }));
    const info = meta.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    if (!location) return results(id);
    const rows = parseAthenaCsv(new TextDecoder().decode(await readObject(location)));
    const columns = info.map((c) => c.Name ?? '');
    const values: Record<string, QueryValue[]> = {};
    columns.forEach((c, k) => {
      values[c] = rows.slice(1).map((r) => parseAthenaValue(r[k], info[k].Type ?? 'varchar'));
    });
    return { columns, values, rowCount: Math.max(0, rows.length - 1) };
  }

  return {
    dialect: 'athena',
    // The table always exists; partition projection finds the scope's partitions from the WHERE clause.
    relation: async (_scope: LogScope) => relation,
    async query(sql) {
      return results(await start(sql));
    },
    ...(options.readObject
      ? {
          async stream(sql: string, onChunk: (chunk: QueryResult) => void) {
            onChunk(
              await fromResultFile(
                await start(sql),
                options.readObject as (uri: string) => Promise<Uint8Array>,
              ),
            );
          },
        }
      : {}),
  };
}
