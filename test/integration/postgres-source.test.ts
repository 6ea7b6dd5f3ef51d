/**
 * The Postgres source against a real PostgreSQL server started by the test (and PGlite for pgvector):
 * each embedding type, epoch and naive timestamps, a query instead of a table, the window predicate
 * through a cursor, connections from an env var or a Secrets Manager secret, and every error with its
 * code and the column or connection it concerns (never the password).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedSourceFor, type SourceClients } from '../../functions/adapters/connected-source.ts';
import { pgliteClient } from '../../functions/adapters/pglite-client.ts';
import { type ModelVersion, parseModelVersion } from '../../functions/lib/models/model-version.ts';
import type { MonitorWindow } from '../../functions/lib/monitor/window.ts';
import { SourceSchemaError, SourceUnavailableError } from '../../functions/lib/sources/errors.ts';
import { validateSourceSpec } from '../../functions/lib/sources/spec.ts';
import { type ConnectedRecord, DIM, generateRecords, LABELS } from '../e2e/helpers/connected-records.ts';
import { freePort, type LocalPostgres, startLocalPostgres } from './postgres-server.ts';

const START = Date.parse('2026-12-01T00:00:00.000Z');
const HOUR = 3_600_000;
const RECORDS: ConnectedRecord[] = generateRecords({
  seed: 9,
  count: 60,
  startMs: START,
  stepMs: 360_000,
  shifted: false,
  idOffset: 1,
});
const WINDOW = { fromMs: START + 2 * HOUR, toMs: START + 4 * HOUR };
const IN_WINDOW = RECORDS.filter((r) => r.timestampMs >= WINDOW.fromMs && r.timestampMs < WINDOW.toMs);
const ENV = 'VIGIL_TEST_PG_URL';
const COLUMNS = {
  id: 'prediction_id',
  timestamp: 'created_at',
  label: 'predicted_label',
  embedding: 'vec',
  text: 'review_text',
  score: 'confidence',
  fields: { language: 'lang' },
};

let server: LocalPostgres;
let env: Record<string, string>;

function model(source: Record<string, unknown>, dim = DIM): ModelVersion {
  return parseModelVersion(
    {
      labels: LABELS,
      embedding_dim: dim,
      fields: [{ name: 'language', type: 'string', segment: true }],
      source,
    },
    { name: 'reviews', version: '1', now: new Date(0), validateSource: validateSourceSpec },
  );
}

const table = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'postgres',
  connection: { env: ENV },
  table: name,
  columns: COLUMNS,
  ...extra,
});

async function load(m: ModelVersion, clients: SourceClients = { env }): Promise<MonitorWindow> {
  const source = await connectedSourceFor(m, clients);
  if (!source) throw new Error('no source');
  return source.loadWindow(WINDOW, {
    capacity: 100,
    seed: 1,
    fields: ['language'],
    segmentFields: ['language'],
  });
}

function expectWindowOf(w: MonitorWindow, expected: ConnectedRecord[]): void {
  expect([...w.id]).toEqual(expected.map((r) => r.id));
  expect([...w.label]).toEqual(expected.map((r) => r.label));
  expect(Array.from(w.score)).toEqual(expected.map((r) => r.score));
  expect(w.fields.language).toEqual(expected.map((r) => r.language));
  const sum = new Float64Array(DIM);
  for (const r of expected) for (let k = 0; k < DIM; k++) sum[k] += r.embedding[k];
  expect(Array.from(w.embeddingSum)).toEqual(Array.from(sum));
}

async function errorOf(
  p: Promise<unknown>,
): Promise<{ code: string; column?: string; connection?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SourceSchemaError) return { code: e.code, column: e.column, message: e.message };
    if (e instanceof SourceUnavailableError)
      return { code: e.code, connection: e.connection, message: e.message };
    throw e;
  }
  throw new Error('no error');
}

/** A table of RECORDS with the embedding stored as `embType` (a SQL expression of $7, a float8[]). */
async function createTable(
  name: string,
  tsType: string,
  ts: (r: ConnectedRecord) => unknown,
  embType: string,
  embExpr: string,
  label = 'text',
  labelOf = (r: ConnectedRecord): unknown => r.label,
) {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  try {
    await c.query(
      `CREATE TABLE ${name} (prediction_id text, created_at ${tsType}, predicted_label ${label}, confidence double precision, review_text text, lang text, vec ${embType})`,
    );
    // Inserted out of time order: the read must not depend on the table's physical order.
    for (const r of [...RECORDS].reverse()) {
      await c.query(`INSERT INTO ${name} VALUES ($1, $2, $3, $4, $5, $6, ${embExpr})`, [
        r.id,
        ts(r),
        labelOf(r),
        r.score,
        r.text,
        r.language,
        Array.from(r.embedding),
      ]);
    }
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  server = await startLocalPostgres();
  env = { [ENV]: server.url };
  const iso = (r: ConnectedRecord) => new Date(r.timestampMs).toISOString();
  await createTable('preds_real', 'timestamptz', iso, 'real[]', '$7::real[]');
  await createTable(
    'preds_double',
    'bigint',
    (r) => Math.floor(r.timestampMs / 1000),
    'double precision[]',
    '$7::float8[]',
    'int',
    (r) => r.labelCode,
  );
  await createTable(
    'preds_jsonb',
    'timestamp',
    (r) => iso(r).replace('Z', ''),
    'jsonb',
    'to_jsonb($7::float8[])',
  );
  await createTable('preds_short', 'timestamptz', iso, 'real[]', '($7::real[])[1:10]');
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe('Postgres shapes', () => {
  it('real[] embeddings, timestamptz: exactly the window, in time order though inserted in reverse', async () => {
    expectWindowOf(await load(model(table('public.preds_real'))), IN_WINDOW);
  });

  it('double precision[] embeddings, epoch seconds (detected), integer label codes', async () => {
    expectWindowOf(await load(model(table('preds_double'))), IN_WINDOW);
  });

  it('jsonb embeddings and a naive timestamp read as UTC', async () => {
    expectWindowOf(await load(model(table('preds_jsonb'))), IN_WINDOW);
  });

  it('a query instead of a table', async () => {
    const source = table('x', {
      table: undefined,
      query: "SELECT * FROM preds_real WHERE lang <> 'xx'",
    });
    expectWindowOf(await load(model(source)), IN_WINDOW);
  });

  it('shows its columns and first rows (vigil source test)', async () => {
    const source = await connectedSourceFor(model(table('preds_real')), { env });
    const found = await (source as NonNullable<typeof source>).inspect(3);
    expect(found.columns.find((c) => c.name === 'vec')).toEqual({
      name: 'vec',
      type: 'real[]',
      kind: 'float_list',
    });
    expect(found.sample).toHaveLength(3);
    expect(found.notes[0]).toBe(`connected: env:${ENV} (127.0.0.1:${server.port}/postgres)`);
  });

  it('connects with an RDS secret from Secrets Manager', async () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds/reviews-AbCdEf';
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({
      SecretString: JSON.stringify({
        engine: 'postgres',
        host: '127.0.0.1',
        port: server.port,
        dbname: 'postgres',
        username: 'postgres',
        password: server.password,
        ssl: false,
      }),
    });

    // Act
    const w = await load(model({ ...table('preds_real'), connection: { secret: arn } }), {
      env: {},
      secrets: () => new SecretsManagerClient({}),
    });
    secrets.restore();

    // Assess
    expectWindowOf(w, IN_WINDOW);
  });
});

describe('Postgres errors name the column or the connection', () => {
  it('a missing column', async () => {
    const e = await errorOf(
      load(model({ ...table('preds_real'), columns: { ...COLUMNS, score: 'probability' } })),
    );
    expect(e).toMatchObject({ code: 'SOURCE_SCHEMA_ERROR', column: 'probability' });
  });

  it('a column of the wrong type', async () => {
    const e = await errorOf(
      load(model({ ...table('preds_real'), columns: { ...COLUMNS, embedding: 'review_text' } })),
    );
    expect(e).toEqual({
      code: 'SOURCE_SCHEMA_ERROR',
      column: 'review_text',
      message:
        'the embedding column review_text (text) must be a list of numbers (LIST/ARRAY, real[], jsonb, vector)',
    });
  });

  it('embeddings of another length', async () => {
    const e = await errorOf(load(model(table('preds_short'))));
    expect(e).toMatchObject({ code: 'SOURCE_SCHEMA_ERROR', column: 'vec' });
    expect(e.message).toContain('has 10 values; the model version declares 384');
  });

  it('a table that does not exist', async () => {
    const e = await errorOf(load(model(table('public.nope'))));
    expect(e).toMatchObject({ code: 'SOURCE_SCHEMA_ERROR', column: 'public.nope' });
    expect(e.message).toContain('relation "public.nope" does not exist');
  });

  it('a wrong password: the connection is named, the password never', async () => {
    const e = await errorOf(load(model(table('preds_real')), { env: { [ENV]: server.badPasswordUrl } }));
    expect(e).toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      connection: `env:${ENV} (127.0.0.1:${new URL(server.badPasswordUrl).port}/postgres)`,
    });
    expect(e.message).toContain('password authentication failed');
    expect(e.message).not.toContain('wrong-password');
  });

  it('nothing listening on the port', async () => {
    const port = await freePort();
    const e = await errorOf(
      load(model(table('preds_real')), { env: { [ENV]: `postgres://u:secret@127.0.0.1:${port}/db` } }),
    );
    expect(e).toMatchObject({ code: 'SOURCE_UNAVAILABLE', connection: `env:${ENV} (127.0.0.1:${port}/db)` });
    expect(e.message).toContain('ECONNREFUSED');
    expect(e.message).not.toContain('secret');
  });

  it('a query slower than the timeout', async () => {
    const slow = table('x', {
      table: undefined,
      query: 'SELECT p.* FROM preds_real p, pg_sleep(2)',
      timeout_ms: 300,
    });
    const e = await errorOf(load(model(slow)));
    expect(e.code).toBe('SOURCE_UNAVAILABLE');
    expect(e.message).toContain(`no answer within 300 ms while reading 1000 rows`);
  });

  it('an environment variable that is not set', async () => {
    const e = await errorOf(load(model(table('preds_real')), { env: {} }));
    expect(e).toEqual({
      code: 'SOURCE_UNAVAILABLE',
      connection: `env:${ENV}`,
      message: `the environment variable ${ENV} is not set`,
    });
  });
});

describe('pgvector (PGlite)', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
    await db.exec(
      `CREATE TABLE preds (prediction_id text, created_at timestamptz, predicted_label text, confidence float8, review_text text, lang text, vec vector(${DIM}))`,
    );
    for (const r of RECORDS)
      await db.query('INSERT INTO preds VALUES ($1, $2, $3, $4, $5, $6, $7::vector)', [
        r.id,
        new Date(r.timestampMs).toISOString(),
        r.label,
        r.score,
        r.text,
        r.language,
        `[${Array.from(r.embedding).join(',')}]`,
      ]);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });
  const clients = (): SourceClients => ({ env: {}, connectPostgres: async () => pgliteClient(db) });

  it('vector(n) embeddings: exactly the window', async () => {
    expectWindowOf(await load(model(table('preds')), clients()), IN_WINDOW);
  });

  it('a vector of another width than declared', async () => {
    const e = await errorOf(load(model(table('preds'), 128), clients()));
    expect(e).toMatchObject({ code: 'SOURCE_SCHEMA_ERROR', column: 'vec' });
    expect(e.message).toContain(`has ${DIM} values; the model version declares 128`);
  });
});
