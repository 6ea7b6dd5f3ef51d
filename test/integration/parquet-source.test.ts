/**
 * The Parquet source over real files written by DuckDB in each shape users have (and by Vigil's own
 * log), on local disk and on a real S3 server: the window's rows, only the window's partitions, and
 * every error with its code and the column or location it concerns.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDeclaredSource,
  connectedSourceFor,
  type SourceClients,
} from '../../functions/adapters/connected-source.ts';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { type ModelVersion, parseModelVersion } from '../../functions/lib/models/model-version.ts';
import type { MonitorWindow } from '../../functions/lib/monitor/window.ts';
import { SourceSchemaError, SourceUnavailableError } from '../../functions/lib/sources/errors.ts';
import { validateSourceSpec } from '../../functions/lib/sources/spec.ts';
import { makeHandler as makeLogHandler } from '../../functions/log/make-handler.ts';
import {
  asPredictionRecords,
  type ConnectedRecord,
  DIM,
  generateRecords,
  LABELS,
} from '../e2e/helpers/connected-records.ts';
import {
  type EmbeddingShape,
  shapeColumns,
  type TimestampShape,
  uploadDirectory,
  writeParquetDataset,
} from './parquet-shapes.ts';
import { type LocalS3, startLocalS3 } from './s3rver.ts';

const START = Date.parse('2026-12-01T00:00:00.000Z');
const HOUR = 3_600_000;
// 60 records, one every 6 minutes: 6 hours, 10 records an hour.
const RECORDS: ConnectedRecord[] = generateRecords({
  seed: 5,
  count: 60,
  startMs: START,
  stepMs: 360_000,
  shifted: false,
  idOffset: 1,
});
const WINDOW = { fromMs: START + 2 * HOUR, toMs: START + 4 * HOUR };
const IN_WINDOW = RECORDS.filter((r) => r.timestampMs >= WINDOW.fromMs && r.timestampMs < WINDOW.toMs);

let root: string;
let s3: LocalS3;

function model(source: Record<string, unknown>): ModelVersion {
  return parseModelVersion(
    {
      labels: LABELS,
      embedding_dim: DIM,
      fields: [{ name: 'language', type: 'string', segment: true }],
      source,
    },
    { name: 'reviews', version: '1', now: new Date(0), validateSource: validateSourceSpec },
  );
}

async function load(m: ModelVersion, clients: SourceClients = { env: {} }): Promise<MonitorWindow> {
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
  expect(w.size).toBe(expected.length);
  expect([...w.id]).toEqual(expected.map((r) => r.id));
  expect([...w.label]).toEqual(expected.map((r) => r.label));
  expect(Array.from(w.score)).toEqual(expected.map((r) => r.score));
  expect(w.fields.language).toEqual(expected.map((r) => r.language));
  const sum = new Float64Array(DIM);
  for (const r of expected) for (let k = 0; k < DIM; k++) sum[k] += r.embedding[k];
  expect(Array.from(w.embeddingSum)).toEqual(Array.from(sum));
  expect(w.sampleText.get(0)).toBe(expected[0].text);
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

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-parquet-source-'));
  s3 = await startLocalS3();
}, 60_000);

afterAll(async () => {
  await s3?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('Parquet shapes written by DuckDB, local disk', () => {
  const cases: [EmbeddingShape, TimestampShape, 'flat' | 'hive'][] = [
    ['list_float', 'timestamp_us', 'hive'],
    ['list_double', 'timestamp_ns', 'flat'],
    ['array', 'timestamptz', 'hive'],
    ['scalars', 'epoch_ms', 'flat'],
    ['scalars_double', 'epoch_s', 'hive'],
    ['list_float', 'timestamp_ms', 'flat'],
  ];
  it.each(cases)(
    'embedding %s, timestamp %s, %s layout: exactly the window, in time order',
    async (embedding, timestamp, layout) => {
      // Prepare
      const dir = join(root, `${embedding}-${timestamp}-${layout}`);
      const opts = { embedding, timestamp, layout, rowsPerFile: 15 };
      await writeParquetDataset(RECORDS, dir, opts);

      // Act
      const w = await load(model({ type: 'parquet', uri: dir, layout, columns: shapeColumns(opts) }));

      // Assess
      expectWindowOf(w, IN_WINDOW);
      // Hive: only the two hours of the window are read; flat: every file is scanned (4 of 15 rows).
      expect(w.files).toBe(layout === 'hive' ? 2 : 4);
    },
    120_000,
  );

  it('maps integer label codes through the declared names', async () => {
    const dir = join(root, 'codes');
    const opts = {
      embedding: 'list_float',
      timestamp: 'timestamp_us',
      layout: 'flat',
      labelCodes: true,
    } as const;
    await writeParquetDataset(RECORDS, dir, opts);
    const w = await load(
      model({
        type: 'parquet',
        uri: dir,
        layout: 'flat',
        labels: { '0': 'negative', '1': 'neutral', '2': 'positive' },
        columns: shapeColumns(opts),
      }),
    );
    expectWindowOf(w, IN_WINDOW);
  }, 60_000);

  it("reads Vigil's own prediction log as a Hive dataset", async () => {
    const dataDir = join(root, 'vigil-log');
    await createLocalStore(dataDir).putPredictions(
      asPredictionRecords(RECORDS, { name: 'reviews', version: '1' }),
    );
    const w = await load(
      model({
        type: 'parquet',
        uri: join(dataDir, 'predictions', 'model=reviews', 'version=1'),
        layout: 'hive',
        columns: {
          id: 'id',
          timestamp: 'timestamp',
          label: 'label',
          embedding: 'embedding',
          text: 'text',
          score: 'score',
        },
      }),
    );
    expect(w.size).toBe(IN_WINDOW.length);
    expect([...w.id]).toEqual(IN_WINDOW.map((r) => r.id));
    expect(w.files).toBe(2);
  }, 60_000);
});

describe('Parquet on S3', () => {
  it('lists and fetches only the partitions of the window', async () => {
    // Prepare
    const dir = join(root, 's3-hive');
    const opts = { embedding: 'list_float', timestamp: 'timestamp_us', layout: 'hive' } as const;
    await writeParquetDataset(RECORDS, dir, opts);
    const client = s3.client();
    expect(await uploadDirectory(client, dir, s3.bucket, 'exports/reviews/')).toBe(6);
    const fetched: string[] = [];
    const counting = {
      send(command: { input: { Key?: string } }) {
        if (command instanceof GetObjectCommand) fetched.push(command.input.Key as string);
        return client.send(command as never);
      },
    } as unknown as S3Client;

    // Act
    const w = await load(
      model({
        type: 'parquet',
        uri: `s3://${s3.bucket}/exports/reviews`,
        layout: 'hive',
        columns: shapeColumns(opts),
      }),
      {
        env: {},
        s3: () => counting,
      },
    );

    // Assess
    expectWindowOf(w, IN_WINDOW);
    expect(fetched).toEqual([
      'exports/reviews/date=2026-12-01/hour=02/data_0.parquet',
      'exports/reviews/date=2026-12-01/hour=03/data_0.parquet',
    ]);
  }, 60_000);

  it('a bucket that does not exist is SOURCE_UNAVAILABLE naming the URI', async () => {
    const m = model({
      type: 'parquet',
      uri: 's3://no-such-bucket/x/',
      layout: 'hive',
      columns: shapeColumns({ embedding: 'list_float', timestamp: 'timestamp_us', layout: 'hive' }),
    });
    const e = await errorOf(load(m, { env: {}, s3: () => s3.client(1) }));
    expect(e).toMatchObject({ code: 'SOURCE_UNAVAILABLE', connection: 'parquet s3://no-such-bucket/x/' });
    expect(e.message).toContain('NoSuchBucket');
  }, 60_000);
});

describe('Parquet errors name the column or the location', () => {
  let dir: string;
  const opts = { embedding: 'list_float', timestamp: 'timestamp_us', layout: 'flat' } as const;
  beforeAll(async () => {
    dir = join(root, 'errors');
    await writeParquetDataset(RECORDS, dir, opts);
  }, 60_000);
  const source = (columns: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    model({
      type: 'parquet',
      uri: dir,
      layout: 'flat',
      columns: { ...shapeColumns(opts), ...columns },
      ...extra,
    });

  it('a missing column', async () => {
    const e = await errorOf(load(source({ score: 'probability' })));
    expect(e).toMatchObject({ code: 'SOURCE_SCHEMA_ERROR', column: 'probability' });
    expect(e.message).toContain('the score column "probability" is not in the source');
  });

  it('a column of the wrong type', async () => {
    const e = await errorOf(load(source({ text: 'confidence' })));
    expect(e).toEqual({
      code: 'SOURCE_SCHEMA_ERROR',
      column: 'confidence',
      message: 'the text column confidence (DOUBLE) must be text',
    });
  });

  it('embeddings of another length', async () => {
    const short = join(root, 'short');
    await writeParquetDataset(RECORDS, short, { ...opts, dim: 100 });
    const e = await errorOf(
      load(model({ type: 'parquet', uri: short, layout: 'flat', columns: shapeColumns(opts) })),
    );
    expect(e).toMatchObject({ code: 'SOURCE_SCHEMA_ERROR', column: 'vec' });
    expect(e.message).toContain('has 100 values; the model version declares 384');
  }, 60_000);

  it('a NULL embedding, and an empty one, each named for what it is', async () => {
    // Regression guard: the reader tells NULL from empty by a flag column, not by building each list.
    const write = async (name: string, vec: string) => {
      const d = join(root, name);
      await mkdir(d, { recursive: true });
      const instance = await DuckDBInstance.create(':memory:');
      const con = await instance.connect();
      await con.run(
        `COPY (SELECT 'p-' || i AS prediction_id, TIMESTAMP '2026-12-01 02:30:00' + INTERVAL (i) MINUTE AS created_at,
           'positive' AS predicted_label, CASE WHEN i = 2 THEN ${vec} ELSE list_transform(range(${DIM}), x -> 0.5::FLOAT) END AS vec,
           'text' AS review_text, 0.9::DOUBLE AS confidence, 'en' AS lang FROM range(4) t(i))
         TO '${join(d, 'part.parquet')}' (FORMAT parquet)`,
      );
      con.closeSync();
      instance.closeSync();
      return d;
    };
    const nulled = await write('null-vec', 'NULL::FLOAT[]');
    const empty = await write('empty-vec', '[]::FLOAT[]');
    const at = (uri: string) => model({ type: 'parquet', uri, layout: 'flat', columns: shapeColumns(opts) });
    expect(await errorOf(load(at(nulled)))).toEqual({
      code: 'SOURCE_SCHEMA_ERROR',
      column: 'vec',
      message: 'row p-2: the embedding column vec is null',
    });
    expect(await errorOf(load(at(empty)))).toEqual({
      code: 'SOURCE_SCHEMA_ERROR',
      column: 'vec',
      message: `row p-2: the embedding column vec has 0 values; the model version declares ${DIM}`,
    });
  }, 60_000);

  it('per-dimension columns short of the declared width', async () => {
    const short = join(root, 'short-scalars');
    const o = { embedding: 'scalars', timestamp: 'epoch_ms', layout: 'flat', dim: 10 } as const;
    await writeParquetDataset(RECORDS, short, o);
    const e = await errorOf(
      load(model({ type: 'parquet', uri: short, layout: 'flat', columns: shapeColumns(o) })),
    );
    expect(e).toMatchObject({ code: 'SOURCE_SCHEMA_ERROR', column: 'emb_10' });
  }, 60_000);

  it('a directory that does not exist, and a file that is not Parquet', async () => {
    const missing = await errorOf(
      load(model({ type: 'parquet', uri: join(root, 'nope'), layout: 'flat', columns: shapeColumns(opts) })),
    );
    expect(missing).toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      connection: `parquet ${join(root, 'nope')}`,
    });
    const junk = join(root, 'junk');
    await mkdir(junk, { recursive: true });
    await writeFile(join(junk, 'part-0.parquet'), 'not parquet at all');
    const bad = await errorOf(
      load(model({ type: 'parquet', uri: junk, layout: 'flat', columns: shapeColumns(opts) })),
    );
    expect(bad.code).toBe('SOURCE_UNAVAILABLE');
    expect(bad.message).toContain('DuckDB could not read the dataset');
  });

  it('is refused at declaration (PUT /models) when reachable, accepted when not', async () => {
    // Prepare
    const models = createLocalStore(join(root, 'declared'));
    const handler = makeLogHandler({
      models,
      log: models,
      now: () => START,
      randomBytes: (n) => new Uint8Array(n),
      validateSource: validateSourceSpec,
      checkSource: (m) => checkDeclaredSource(m, { env: {} }),
    });
    const put = (version: string, source: Record<string, unknown>) =>
      handler({
        rawPath: `/models/reviews/versions/${version}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          labels: LABELS,
          embedding_dim: DIM,
          fields: [{ name: 'language', type: 'string' }],
          source,
        }),
        isBase64Encoded: false,
        requestContext: { http: { method: 'PUT', path: `/models/reviews/versions/${version}` } },
      } as never);
    const good = { type: 'parquet', uri: dir, layout: 'flat', columns: shapeColumns(opts) };

    // Act
    const refused = await put('1', { ...good, columns: { ...shapeColumns(opts), score: 'probability' } });
    const accepted = await put('2', good);
    const unreachable = await put('3', { ...good, uri: join(root, 'not-yet') });

    // Assess
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body as string).error).toMatchObject({
      code: 'SOURCE_SCHEMA_ERROR',
      field: 'probability',
    });
    expect(accepted.statusCode).toBe(201);
    expect(JSON.parse(accepted.body as string).origin).toBe('connected');
    expect(unreachable.statusCode).toBe(201);
  });
});
