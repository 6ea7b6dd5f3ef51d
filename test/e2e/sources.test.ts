/**
 * Connected stores end to end: the same 2,000 shifted records (and their 2,000-record reference day)
 * stored (a) as flat Parquet with emb_* columns on disk, (b) as Hive-partitioned Parquet on a real S3
 * server, (c) in a real Postgres table with real[] embeddings and (d) in PGlite with pgvector give the
 * same findings — checks, verdicts, p-values — as the records logged to Vigil's own log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedSourceFor, type SourceClients } from '../../functions/adapters/connected-source.ts';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { pgliteClient } from '../../functions/adapters/pglite-client.ts';
import { type ModelVersion, parseModelVersion } from '../../functions/lib/models/model-version.ts';
import { declareModelVersion } from '../../functions/lib/models/registry.ts';
import type { MonitorReport } from '../../functions/lib/monitor/types.ts';
import { runMonitorJobWithSource } from '../../functions/lib/sources/monitor-run.ts';
import { validateSourceSpec } from '../../functions/lib/sources/spec.ts';
import { shapeColumns, uploadDirectory, writeParquetDataset } from '../integration/parquet-shapes.ts';
import { type LocalPostgres, startLocalPostgres } from '../integration/postgres-server.ts';
import { type LocalS3, startLocalS3 } from '../integration/s3rver.ts';
import {
  asPredictionRecords,
  type ConnectedRecord,
  DIM,
  generateRecords,
  LABELS,
} from './helpers/connected-records.ts';
import { vigil } from './helpers/vigil-cli.ts';

const NOW = Date.parse('2026-12-02T00:00:00.000Z');
const DAY = 86_400_000;
const MODEL = { name: 'reviews-connected', version: '1' };
const REF_START = new Date(NOW - 3 * DAY);
const REF_END = new Date(NOW - 2 * DAY);

const BODY = {
  labels: LABELS,
  embedding_dim: DIM,
  text: true,
  score: true,
  fields: [{ name: 'language', type: 'string', segment: true }],
};

let root: string;
let records: ConnectedRecord[];
let logged: MonitorReport;
let s3: LocalS3;
let postgres: LocalPostgres;
let pglite: PGlite;

async function declare(dataDir: string, source: Record<string, unknown> | null): Promise<ModelVersion> {
  const model = parseModelVersion(
    { ...BODY, source },
    { ...MODEL, now: new Date(NOW - 4 * DAY), validateSource: validateSourceSpec },
  );
  await declareModelVersion(createLocalStore(dataDir), model);
  return model;
}

async function monitorConnected(dataDir: string, clients: SourceClients): Promise<MonitorReport> {
  const { report } = await runMonitorJobWithSource(
    {
      store: createLocalStore(dataDir),
      model: { ...MODEL, labels: [] },
      now: new Date(NOW),
      windowMs: DAY,
      reference: { kind: 'window', start: REF_START, end: REF_END },
      seed: 0,
    },
    { sourceFor: (m) => connectedSourceFor(m, clients) },
  );
  return report;
}

function expectSameFindings(actual: MonitorReport, expected: MonitorReport): void {
  expect(actual.reference.size).toBe(expected.reference.size);
  expect(actual.findings.map((f) => f.check)).toEqual(expected.findings.map((f) => f.check));
  actual.findings.forEach((f, i) => {
    const e = expected.findings[i];
    expect({ check: f.check, verdict: f.verdict }).toEqual({ check: e.check, verdict: e.verdict });
    expect(f.currentSize).toBe(e.currentSize);
    if (e.pValue === null) expect(f.pValue).toBeNull();
    else expect(Math.abs((f.pValue as number) - e.pValue)).toBeLessThan(1e-9);
    if (e.value === null) expect(f.value).toBeNull();
    else
      expect(Math.abs((f.value as number) - e.value)).toBeLessThanOrEqual(
        1e-6 * Math.max(1, Math.abs(e.value)),
      );
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-e2e-sources-'));
  const reference = generateRecords({
    seed: 11,
    count: 2000,
    startMs: REF_START.getTime(),
    stepMs: 43_000,
    shifted: false,
    idOffset: 1,
  });
  const current = generateRecords({
    seed: 12,
    count: 2000,
    startMs: NOW - DAY,
    stepMs: 43_000,
    shifted: true,
    idOffset: 100_000,
  });
  records = [...reference, ...current];

  // Vigil's own log: the records as POST /log writes them.
  const logDir = join(root, 'log');
  await declare(logDir, null);
  await createLocalStore(logDir).putPredictions(asPredictionRecords(records, MODEL));
  const r = await vigil([
    'monitor',
    '--data-dir',
    logDir,
    '--model-name',
    MODEL.name,
    '--model-version',
    MODEL.version,
    '--now',
    new Date(NOW).toISOString(),
    '--window',
    '24h',
    '--reference-start',
    REF_START.toISOString(),
    '--reference-end',
    REF_END.toISOString(),
    '--json',
    '--no-alerts',
    '--seed',
    '0',
  ]);
  expect(r.stderr).toBe('');
  logged = JSON.parse(r.stdout) as MonitorReport;
  [s3, postgres, pglite] = await Promise.all([
    startLocalS3(),
    startLocalPostgres(),
    PGlite.create({ extensions: { vector } }),
  ]);
}, 600_000);

afterAll(async () => {
  await Promise.all([s3?.dispose(), postgres?.stop(), pglite?.close()]);
  await rm(root, { recursive: true, force: true });
});

describe('the same records in four connected stores', () => {
  it('the logged run sees the shift, overall and in the German segment', () => {
    expect(logged.reference.size).toBe(2000);
    const mmd = logged.findings.find((f) => f.check === 'embedding_drift.mmd');
    expect(mmd?.verdict).toBe('alert');
    expect(logged.findings.find((f) => f.check === 'embedding_drift.mmd[language=de]')?.verdict).toBe(
      'alert',
    );
    expect(
      logged.findings.some((f) => f.check.startsWith('prediction_drift.') && f.verdict === 'alert'),
    ).toBe(true);
  });

  it('(a) flat Parquet with emb_* columns and epoch-ms timestamps, through `vigil monitor`', async () => {
    const dataset = join(root, 'flat-dataset');
    const files = await writeParquetDataset(records, dataset, {
      embedding: 'scalars',
      timestamp: 'epoch_ms',
      layout: 'flat',
      rowsPerFile: 1000,
    });
    expect(files).toHaveLength(4);
    const dataDir = join(root, 'a');
    await declare(dataDir, {
      type: 'parquet',
      uri: dataset,
      layout: 'flat',
      columns: shapeColumns({ embedding: 'scalars', timestamp: 'epoch_ms', layout: 'flat' }),
    });
    const r = await vigil([
      'monitor',
      '--data-dir',
      dataDir,
      '--model-name',
      MODEL.name,
      '--model-version',
      MODEL.version,
      '--now',
      new Date(NOW).toISOString(),
      '--window',
      '24h',
      '--reference-start',
      REF_START.toISOString(),
      '--reference-end',
      REF_END.toISOString(),
      '--json',
      '--no-alerts',
      '--seed',
      '0',
    ]);
    expect(r.code).toBe(0);
    expectSameFindings(JSON.parse(r.stdout) as MonitorReport, logged);
  }, 300_000);

  it('(b) Hive-partitioned Parquet on S3 (nanosecond timestamps, LIST<DOUBLE>)', async () => {
    const dataset = join(root, 'hive-dataset');
    const opts = { embedding: 'list_double', timestamp: 'timestamp_ns', layout: 'hive' } as const;
    await writeParquetDataset(records, dataset, opts);
    const client = s3.client();
    const uploaded = await uploadDirectory(client, dataset, s3.bucket, 'lake/reviews/');
    expect(uploaded).toBe(48);
    const dataDir = join(root, 'b');
    await declare(dataDir, {
      type: 'parquet',
      uri: `s3://${s3.bucket}/lake/reviews/`,
      layout: 'hive',
      columns: shapeColumns(opts),
    });
    expectSameFindings(await monitorConnected(dataDir, { env: {}, s3: () => client }), logged);
  }, 300_000);

  it('(c) a Postgres table with real[] embeddings', async () => {
    const c = new pg.Client({ connectionString: postgres.url });
    await c.connect();
    try {
      await c.query(`CREATE TABLE reviews (prediction_id uuid PRIMARY KEY, created_at timestamptz NOT NULL,
        predicted_label text, confidence double precision, review_text text, lang text, vec real[])`);
      for (let i = 0; i < records.length; i += 200) {
        const batch = records.slice(i, i + 200);
        const values = batch.map(
          (_, j) =>
            `($${j * 7 + 1}, $${j * 7 + 2}, $${j * 7 + 3}, $${j * 7 + 4}, $${j * 7 + 5}, $${j * 7 + 6}, $${j * 7 + 7})`,
        );
        await c.query(
          `INSERT INTO reviews VALUES ${values.join(', ')}`,
          batch.flatMap((r) => [
            r.id,
            new Date(r.timestampMs).toISOString(),
            r.label,
            r.score,
            r.text,
            r.language,
            Array.from(r.embedding),
          ]),
        );
      }
      await c.query('CREATE INDEX ON reviews (created_at)');
    } finally {
      await c.end();
    }
    const dataDir = join(root, 'c');
    await declare(dataDir, {
      type: 'postgres',
      connection: { env: 'VIGIL_TEST_PG_URL' },
      table: 'public.reviews',
      columns: shapeColumns({ embedding: 'list_float', timestamp: 'timestamptz', layout: 'flat' }),
    });
    expectSameFindings(await monitorConnected(dataDir, { env: { VIGIL_TEST_PG_URL: postgres.url } }), logged);
  }, 300_000);

  it('(d) pgvector vector(384) with integer label codes and epoch-ms timestamps', async () => {
    await pglite.exec('CREATE EXTENSION IF NOT EXISTS vector');
    await pglite.exec(`CREATE TABLE reviews (prediction_id text, created_at bigint, predicted_label int,
      confidence double precision, review_text text, lang text, vec vector(${DIM}))`);
    for (let i = 0; i < records.length; i += 100) {
      const batch = records.slice(i, i + 100);
      const values = batch.map(
        (_, j) =>
          `($${j * 7 + 1}, $${j * 7 + 2}, $${j * 7 + 3}, $${j * 7 + 4}, $${j * 7 + 5}, $${j * 7 + 6}, $${j * 7 + 7}::vector)`,
      );
      await pglite.query(
        `INSERT INTO reviews VALUES ${values.join(', ')}`,
        batch.flatMap((r) => [
          r.id,
          r.timestampMs,
          r.labelCode,
          r.score,
          r.text,
          r.language,
          `[${Array.from(r.embedding).join(',')}]`,
        ]),
      );
    }
    const dataDir = join(root, 'd');
    await declare(dataDir, {
      type: 'postgres',
      connection: { env: 'UNUSED_PGLITE' },
      table: 'reviews',
      labels: { '0': 'negative', '1': 'neutral', '2': 'positive' },
      timestamp_unit: 'ms',
      columns: shapeColumns({ embedding: 'list_float', timestamp: 'epoch_ms', layout: 'flat' }),
    });
    expectSameFindings(
      await monitorConnected(dataDir, { env: {}, connectPostgres: async () => pgliteClient(pglite) }),
      logged,
    );
  }, 300_000);
});
