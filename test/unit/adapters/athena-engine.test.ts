import type { QueryExecutionState } from '@aws-sdk/client-athena';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createAthenaEngine,
  parseAthenaCsv,
  parseAthenaValue,
} from '../../../functions/adapters/athena-engine.ts';
import { QueryFailedError } from '../../../functions/lib/query/port.ts';
import { countQuery } from '../../../functions/lib/query/window-queries.ts';

const athena = mockClient(AthenaClient);
const ID = 'q-123';

function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

function engine(extra: Partial<Parameters<typeof createAthenaEngine>[0]> = {}) {
  return createAthenaEngine({
    client: new AthenaClient({ region: 'eu-west-1' }),
    workgroup: 'Vigil-monitor',
    database: 'vigil_log',
    ...fakeTime(),
    ...extra,
  });
}

const status = (State: QueryExecutionState, StateChangeReason?: string) => ({
  QueryExecution: { QueryExecutionId: ID, Status: { State, StateChangeReason } },
});
const header = { Data: [{ VarCharValue: 'label' }, { VarCharValue: 'n' }, { VarCharValue: 'embedding' }] };
const columnInfo = [
  { Name: 'label', Type: 'varchar' },
  { Name: 'n', Type: 'bigint' },
  { Name: 'embedding', Type: 'array' },
];

describe('createAthenaEngine', () => {
  beforeEach(() => athena.reset());

  it('starts in the workgroup, polls until it succeeds, and pages every result row', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(status('QUEUED'))
      .resolvesOnce(status('RUNNING'))
      .resolves(status('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: ID, NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columnInfo },
          Rows: [
            header,
            {
              Data: [{ VarCharValue: 'positive' }, { VarCharValue: '41' }, { VarCharValue: '[0.5, -1.25]' }],
            },
          ],
        },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: ID, NextToken: 'page-2' })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columnInfo },
          Rows: [{ Data: [{ VarCharValue: 'negative' }, {}, { VarCharValue: '[]' }] }],
        },
      });
    const time = fakeTime();
    const e = engine(time);

    // Act
    const result = await e.query('SELECT label, n, embedding FROM t');

    // Assess
    const start = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    expect(start).toEqual({
      QueryString: 'SELECT label, n, embedding FROM t',
      WorkGroup: 'Vigil-monitor',
      QueryExecutionContext: { Database: 'vigil_log' },
    });
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
    expect(time.sleeps).toEqual([500, 750]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'page-2',
    ]);
    expect(result).toEqual({
      columns: ['label', 'n', 'embedding'],
      values: { label: ['positive', 'negative'], n: [41, null], embedding: [[0.5, -1.25], []] },
      rowCount: 2,
    });
  });

  it("reports a failed query with Athena's reason", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(status('FAILED', 'COLUMN_NOT_FOUND: line 1:8: Column x cannot be resolved'));

    const error = await engine()
      .query('SELECT x FROM t')
      .catch((e) => e);

    expect(error).toBeInstanceOf(QueryFailedError);
    expect(error.code).toBe('QUERY_FAILED');
    expect(error.message).toContain('COLUMN_NOT_FOUND');
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('reports a cancelled query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(status('CANCELLED', 'Query cancelled by user'));

    await expect(engine().query('SELECT 1')).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
  });

  it('names the bytes-scanned cutoff when the workgroup stops a query for it', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(status('CANCELLED', 'Query cancelled: Bytes scanned limit was exceeded'));

    const error = await engine()
      .query('SELECT 1')
      .catch((e) => e);

    expect(error.code).toBe('QUERY_BYTES_SCANNED_LIMIT');
    expect(error.message).toMatch(/per-query limit/);
  });

  it('stops a query that runs past the timeout', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves(status('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});

    const error = await engine({ timeoutMs: 3000 })
      .query('SELECT 1')
      .catch((e) => e);

    expect(error.code).toBe('QUERY_TIMEOUT');
    expect(athena.commandCalls(StopQueryExecutionCommand)[0].args[0].input).toEqual({ QueryExecutionId: ID });
  });

  it('queries the Glue table, pruned by the partition columns in the WHERE clause', async () => {
    const e = engine();
    const relation = await e.relation({ model: 'reviews', version: '3', fromMs: 0, toMs: 3_600_000 });
    expect(relation).toBe('"vigil_log"."predictions"');
    const sql = countQuery({
      dialect: 'athena',
      relation: relation as string,
      scope: { model: 'reviews', version: '3', fromMs: 0, toMs: 3_600_000 },
    });
    expect(sql).toContain(`"model" = 'reviews' AND "version" = '3' AND "date" IN ('1970-01-01')`);
    expect(sql).toContain('"$path"');
  });

  it('refuses a database name that is not a plain identifier', () => {
    expect(() =>
      createAthenaEngine({ client: new AthenaClient({}), workgroup: 'w', database: 'x"; DROP', table: 'p' }),
    ).toThrow(/identifier/);
  });
});

describe('large results from the CSV result file', () => {
  beforeEach(() => athena.reset());

  it('streams the whole result from S3 in one read instead of paging', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: ID });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: ID,
        Status: { State: 'SUCCEEDED' },
        ResultConfiguration: { OutputLocation: 's3://bucket/athena-results/q-123.csv' },
      },
    });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: columnInfo }, Rows: [header] },
      NextToken: 'more',
    });
    const read: string[] = [];
    const csv = '"label","n","embedding"\n"positive","41","[0.5, -1.25]"\n"say ""hi""",,"[]"\n';
    const e = engine({
      readObject: async (uri) => {
        read.push(uri);
        return new TextEncoder().encode(csv);
      },
    });
    const chunks: unknown[] = [];

    await e.stream?.('SELECT label, n, embedding FROM t', (c) => chunks.push(c));

    expect(read).toEqual(['s3://bucket/athena-results/q-123.csv']);
    expect(chunks).toEqual([
      {
        columns: ['label', 'n', 'embedding'],
        values: { label: ['positive', 'say "hi"'], n: [41, null], embedding: [[0.5, -1.25], []] },
        rowCount: 2,
      },
    ]);
    // One metadata call for the column types, no paging through the rows.
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(1);
    expect(athena.commandCalls(GetQueryResultsCommand)[0].args[0].input.MaxResults).toBe(1);
  });

  it('parses quoted fields, doubled quotes, commas and newlines inside quotes, and empty (null) fields', () => {
    expect(parseAthenaCsv('"a","b"\n"x,y",\n,"line\nbreak"\n')).toEqual([
      ['a', 'b'],
      ['x,y', undefined],
      [undefined, 'line\nbreak'],
    ]);
  });
});

describe('parseAthenaValue', () => {
  it('parses numbers, booleans, arrays and nulls from result text', () => {
    expect(parseAthenaValue('3.5', 'double')).toBe(3.5);
    expect(parseAthenaValue('true', 'boolean')).toBe(true);
    expect(parseAthenaValue('[1, 2.5]', 'array')).toEqual([1, 2.5]);
    expect(parseAthenaValue(undefined, 'varchar')).toBeNull();
    expect(parseAthenaValue('de', 'varchar')).toBe('de');
  });
});
