import { describe, expect, it } from 'vitest';
import { ModelVersionError } from '../../../functions/lib/models/errors.ts';
import { parseModelVersion } from '../../../functions/lib/models/model-version.ts';
import { type ColumnInfo, planRead } from '../../../functions/lib/sources/columns.ts';
import { SourceSchemaError } from '../../../functions/lib/sources/errors.ts';
import { mayOverlap, partsOfPath } from '../../../functions/lib/sources/partitions.ts';
import { embeddingValues, rowMapper } from '../../../functions/lib/sources/rows.ts';
import { parseSourceSpec, validateSourceSpec } from '../../../functions/lib/sources/spec.ts';
import {
  duckDbWindowPredicate,
  guessEpochUnit,
  postgresWindowQuery,
  quoteIdent,
} from '../../../functions/lib/sources/sql.ts';

const COLUMNS = { id: 'rid', timestamp: 'ts', label: 'lab', embedding: 'emb', text: 'txt', score: 'conf' };
const PARQUET = { type: 'parquet', uri: 's3://my-bucket/preds/', layout: 'hive', columns: COLUMNS };
const POSTGRES = {
  type: 'postgres',
  connection: { env: 'VIGIL_PG_URL' },
  table: 'public.preds',
  columns: COLUMNS,
};

function model(source: unknown = PARQUET, dim = 4) {
  return parseModelVersion(
    {
      labels: ['negative', 'neutral', 'positive'],
      embedding_dim: dim,
      fields: [{ name: 'language', type: 'string', segment: true }],
      source,
    },
    { name: 'm', version: '1', now: new Date(0), validateSource: validateSourceSpec },
  );
}

function pathOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelVersionError) return e.message;
    throw e;
  }
  throw new Error('no error');
}

describe('the source block of a model version', () => {
  it('accepts both kinds and stores them normalised; the model version becomes connected', () => {
    const m = model();
    expect(m.origin).toBe('connected');
    expect(m.source).toEqual({ ...PARQUET });
    expect(model(POSTGRES).source).toEqual(POSTGRES);
  });

  it.each([
    [{ ...PARQUET, layout: 'nested' }, 'source.layout: must be "hive"'],
    [{ ...PARQUET, uri: 'https://example.com/x' }, 'source.uri: only s3:// URIs and local directories'],
    [{ ...PARQUET, uri: 's3://Bad_Bucket/x' }, 'source.uri: "Bad_Bucket" is not an S3 bucket name'],
    [{ ...PARQUET, columns: { ...COLUMNS, id: undefined } }, 'source.columns.id: must be a column name'],
    [
      { ...PARQUET, columns: { ...COLUMNS, embedding: 'a"b' } },
      'source.columns.embedding: must be a column name',
    ],
    [{ ...PARQUET, columns: { ...COLUMNS, vector: 'v' } }, 'source.columns.vector: unknown key'],
    [{ ...PARQUET, labels: { zero: 'negative' } }, 'source.labels.zero: codes must be integers'],
    [{ ...PARQUET, timestamp_unit: 'us' }, 'source.timestamp_unit: must be "s" or "ms"'],
    [{ ...POSTGRES, connection: { url: 'postgres://u:p@h/db' } }, 'source.connection: must be {"env"'],
    [
      { ...POSTGRES, connection: { secret: 'my-secret' } },
      'source.connection.secret: must be a Secrets Manager secret ARN',
    ],
    [{ ...POSTGRES, table: 'public.preds; DROP TABLE x' }, 'source.table: must be "table" or "schema.table"'],
    [{ ...POSTGRES, table: undefined }, 'source: give exactly one of "table" and "query"'],
    [{ ...POSTGRES, table: undefined, query: 'DELETE FROM preds' }, 'source.query: must be one SELECT'],
    [
      { ...POSTGRES, table: undefined, query: 'SELECT 1; DROP TABLE preds' },
      'source.query: must be a single statement',
    ],
    [{ ...POSTGRES, timeout_ms: 5 }, 'source.timeout_ms: must be an integer number of milliseconds'],
    [{ type: 'csv' }, 'source.type: must be "parquet" or "postgres"'],
  ])('refuses %j with the JSON path and the rule', (source, message) => {
    expect(pathOf(() => model(source))).toContain(message);
  });

  it('accepts an RDS secret ARN, a WITH query and a per-dimension embedding prefix', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds/preds-AbCdEf';
    const spec = parseSourceSpec({
      ...POSTGRES,
      connection: { secret: arn },
      table: undefined,
      query: 'WITH p AS (SELECT * FROM preds) SELECT * FROM p;',
      columns: { ...COLUMNS, embedding: 'emb_*' },
    });
    expect(spec).toMatchObject({
      connection: { secret: arn },
      query: 'WITH p AS (SELECT * FROM preds) SELECT * FROM p',
    });
    expect(spec.columns.embedding).toBe('emb_*');
  });
});

describe('SQL text of the window read', () => {
  it('quotes identifiers, so a column name cannot break out of its quotes', () => {
    expect(quoteIdent('we"ird; DROP')).toBe('"we""ird; DROP"');
  });

  it('binds the Postgres window bounds as $1 and $2, orders by time and quotes the table', () => {
    const m = model(POSTGRES);
    const columns: ColumnInfo[] = [
      { name: 'rid', kind: 'other', type: 'uuid' },
      { name: 'ts', kind: 'timestamp', type: 'timestamptz' },
      { name: 'lab', kind: 'string', type: 'text' },
      { name: 'emb', kind: 'float_list', type: 'real[]' },
      { name: 'txt', kind: 'string', type: 'text' },
      { name: 'conf', kind: 'float', type: 'float8' },
      { name: 'language', kind: 'string', type: 'text' },
    ];
    const plan = planRead(parseSourceSpec(POSTGRES), m, columns);
    expect(postgresWindowQuery(plan, { table: 'public.preds' })).toBe(
      'SELECT "rid", "ts", "lab", "emb"::text, "txt", "conf", "language" FROM "public"."preds" ' +
        'WHERE "ts" >= $1 AND "ts" < $2 ORDER BY "ts", "rid"',
    );
  });

  it('compares DuckDB timestamps with literals it computed, in the column unit', () => {
    const range = { fromMs: 1_700_000_000_000, toMs: 1_700_086_400_000 };
    expect(duckDbWindowPredicate('ts', 'timestamp', range)).toBe(
      '"ts" >= make_timestamp(1700000000000000::BIGINT) AND "ts" < make_timestamp(1700086400000000::BIGINT)',
    );
    expect(duckDbWindowPredicate('t', 'epoch', range, 's')).toBe('"t" >= 1700000000 AND "t" < 1700086400');
    expect(() => duckDbWindowPredicate('t', 'epoch', { fromMs: Number.NaN, toMs: 1 })).toThrow('finite');
    expect([guessEpochUnit(1_700_000_000), guessEpochUnit(1_700_000_000_000)]).toEqual(['s', 'ms']);
  });
});

describe('Hive partition pruning', () => {
  const day = { fromMs: Date.parse('2026-12-01T00:00:00Z'), toMs: Date.parse('2026-12-02T00:00:00Z') };
  it.each([
    ['date=2026-12-01/hour=07', true],
    ['date=2026-11-30/hour=23', false],
    ['dt=2026-12-02', false],
    ['year=2026/month=12/day=01', true],
    ['year=2026/month=11', false],
    ['year=2026', true],
    ['region=eu', true],
    ['model=x/version=1/date=2026-12-01/hour=00', true],
  ])('%s overlaps the day: %s', (path, overlaps) => {
    expect(mayOverlap(partsOfPath(path), day)).toBe(overlaps);
  });
});

describe('the mapping checked against the columns', () => {
  const base: ColumnInfo[] = [
    { name: 'rid', kind: 'string', type: 'VARCHAR' },
    { name: 'ts', kind: 'timestamp', type: 'TIMESTAMP' },
    { name: 'lab', kind: 'integer', type: 'INTEGER' },
    { name: 'emb', kind: 'float_list', type: 'FLOAT[]' },
    { name: 'txt', kind: 'string', type: 'VARCHAR' },
    { name: 'conf', kind: 'float', type: 'DOUBLE' },
  ];
  const schemaError = (columns: ColumnInfo[], source: unknown = PARQUET) => {
    try {
      planRead(parseSourceSpec(source), model(source), columns);
    } catch (e) {
      if (e instanceof SourceSchemaError) return { code: e.code, column: e.column, message: e.message };
      throw e;
    }
    return null;
  };

  it('names a missing column', () => {
    expect(schemaError(base.filter((c) => c.name !== 'conf'))).toMatchObject({
      code: 'SOURCE_SCHEMA_ERROR',
      column: 'conf',
      message: expect.stringContaining('the score column "conf" is not in the source'),
    });
  });

  it('names a column of the wrong type', () => {
    const columns = base.map((c) =>
      c.name === 'txt' ? { ...c, kind: 'float' as const, type: 'DOUBLE' } : c,
    );
    expect(schemaError(columns)).toMatchObject({
      column: 'txt',
      message: 'the text column txt (DOUBLE) must be text',
    });
  });

  it('names an embedding of a fixed width other than the declared one', () => {
    const columns = base.map((c) =>
      c.name === 'emb' ? { ...c, kind: 'vector' as const, type: 'vector(3)', length: 3 } : c,
    );
    expect(schemaError(columns)).toMatchObject({
      column: 'emb',
      message: expect.stringContaining('has 3 values; the model version declares 4'),
    });
  });

  it('names the first missing and the first extra per-dimension column', () => {
    const source = { ...PARQUET, columns: { ...COLUMNS, embedding: 'e_*' } };
    const dims = (n: number): ColumnInfo[] =>
      Array.from({ length: n }, (_, k) => ({ name: `e_${k}`, kind: 'float', type: 'FLOAT' }));
    const rest = base.filter((c) => c.name !== 'emb');
    expect(schemaError([...rest, ...dims(3)], source)).toMatchObject({ column: 'e_3' });
    expect(schemaError([...rest, ...dims(5)], source)).toMatchObject({ column: 'e_4' });
    expect(schemaError([...rest, ...dims(4)], source)).toBeNull();
  });
});

describe('rows through the mapping', () => {
  const columns: ColumnInfo[] = [
    { name: 'rid', kind: 'string', type: 'text' },
    { name: 'ts', kind: 'integer', type: 'bigint' },
    { name: 'lab', kind: 'integer', type: 'int4' },
    { name: 'emb', kind: 'vector', type: 'vector' },
    { name: 'txt', kind: 'string', type: 'text' },
    { name: 'conf', kind: 'float', type: 'float8' },
  ];
  const spec = parseSourceSpec({ ...POSTGRES, labels: { '7': 'positive', '0': 'negative' } });
  const m = model({ ...POSTGRES, labels: { '7': 'positive', '0': 'negative' } });
  const map = rowMapper({
    plan: planRead(spec, m, columns),
    model: m,
    labelCodes: spec.labels,
    hashText: (t) => `h(${t})`,
  });

  it('maps label codes, parses pgvector text and measures the text as the log does', () => {
    const row = map(['a', 1n, 7, '[1,2.5,-3,0.25]', 'héllo 😀', '0.75']);
    expect(row).toMatchObject({
      id: 'a',
      label: 'positive',
      score: 0.75,
      text: 'héllo 😀',
      text_sha256: 'h(héllo 😀)',
      text_chars: 7,
    });
    expect(Array.from(row.embedding)).toEqual([1, 2.5, -3, 0.25]);
  });

  it('refuses an unmapped code and an embedding of another width, naming the column', () => {
    expect(() => map(['a', 1, 3, '[1,2,3,4]', null, null])).toThrow(/label code 3 has no name/);
    try {
      map(['b', 1, 0, [1, 2, 3], null, null]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SourceSchemaError);
      expect((e as SourceSchemaError).column).toBe('emb');
      expect((e as Error).message).toBe(
        'row b: the embedding column emb has 3 values; the model version declares 4',
      );
    }
  });

  it('reads JSON arrays and typed arrays alike', () => {
    expect(Array.from(embeddingValues([0.5, '1.5']) ?? [])).toEqual([0.5, 1.5]);
    expect(embeddingValues(null)).toBeNull();
    expect(Array.from(embeddingValues('{1,2}') ?? [])).toEqual([1, 2]);
  });
});
