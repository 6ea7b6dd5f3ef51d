/**
 * `vigil source test` and `vigil monitor` on connected model versions, run as the user runs them:
 * what the source holds through the mapping, and the error (code + column or connection) when not.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { parseModelVersion } from '../../functions/lib/models/model-version.ts';
import { declareModelVersion } from '../../functions/lib/models/registry.ts';
import { validateSourceSpec } from '../../functions/lib/sources/spec.ts';
import { shapeColumns, writeParquetDataset } from '../integration/parquet-shapes.ts';
import { freePort } from '../integration/postgres-server.ts';
import { DIM, generateRecords, LABELS } from './helpers/connected-records.ts';
import { vigil } from './helpers/vigil-cli.ts';

const START = Date.parse('2026-12-01T00:00:00.000Z');
const OPTS = { embedding: 'scalars', timestamp: 'epoch_s', layout: 'hive', labelCodes: true } as const;
let root: string;
let dataDir: string;

async function declare(version: string, source: Record<string, unknown>): Promise<void> {
  const model = parseModelVersion(
    { labels: LABELS, embedding_dim: DIM, fields: [{ name: 'language', type: 'string' }], source },
    { name: 'reviews', version, now: new Date(START), validateSource: validateSourceSpec },
  );
  await declareModelVersion(createLocalStore(dataDir), model);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-e2e-source-cli-'));
  dataDir = join(root, 'vigil');
  const dataset = join(root, 'dataset');
  await writeParquetDataset(
    generateRecords({ seed: 3, count: 30, startMs: START, stepMs: 600_000, shifted: false, idOffset: 1 }),
    dataset,
    OPTS,
  );
  const base = {
    type: 'parquet',
    uri: dataset,
    layout: 'hive',
    labels: { '0': 'negative', '1': 'neutral', '2': 'positive' },
  };
  await declare('1', { ...base, columns: shapeColumns(OPTS) });
  await declare('2', { ...base, columns: { ...shapeColumns(OPTS), text: 'comment' } });
  const port = await freePort();
  await declare('3', {
    type: 'postgres',
    connection: { env: 'VIGIL_E2E_PG_URL' },
    table: 'public.preds',
    columns: shapeColumns(OPTS),
  });
  process.env.VIGIL_E2E_PG_URL = `postgres://vigil:hunter2@127.0.0.1:${port}/preds`;
}, 120_000);

afterAll(async () => {
  delete process.env.VIGIL_E2E_PG_URL;
  await rm(root, { recursive: true, force: true });
});

describe('vigil source test', () => {
  it('prints the mapping with the column types and the first rows', async () => {
    const r = await vigil(['source', 'test', 'reviews', '1', '--data-dir', dataDir, '--rows', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`source: parquet ${join(root, 'dataset')}`);
    expect(r.stdout).toMatch(/timestamp\s+created_at\s+DOUBLE/);
    expect(r.stdout).toMatch(/embedding\s+emb_0 … emb_383 \(384 columns\)/);
    expect(r.stdout).toContain('labels are integer codes, mapped to names');
    expect(r.stdout).toContain('first 3 rows (embedding_dim 384):');
    expect(r.stdout).toContain('00000000-0000-4000-8000-000000000001');
    expect(r.stdout).toContain('ok: the source can be monitored');
  }, 60_000);

  it('names the missing column', async () => {
    const r = await vigil(['source', 'test', 'reviews', '2', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error SOURCE_SCHEMA_ERROR: the text column "comment" is not in the source');
    expect(r.stderr).toContain('column: comment');
  }, 60_000);

  it('names the connection it could not reach, never its password', async () => {
    const r = await vigil(['source', 'test', 'reviews', '3', '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error SOURCE_UNAVAILABLE: cannot connect to env:VIGIL_E2E_PG_URL (127.0.0.1:',
    );
    expect(r.stderr).toMatch(/connection: env:VIGIL_E2E_PG_URL \(127\.0\.0\.1:\d+\/preds\)/);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  }, 60_000);
});

describe('vigil monitor on a connected model whose source is down', () => {
  it('fails with the code and prints the operational alert', async () => {
    const r = await vigil([
      'monitor',
      '--data-dir',
      dataDir,
      '--model-name',
      'reviews',
      '--model-version',
      '3',
      '--now',
      '2026-12-02T00:00:00Z',
      '--reference-start',
      '2026-11-30T00:00:00Z',
      '--reference-end',
      '2026-12-01T00:00:00Z',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('could not read its source (postgres env:VIGIL_E2E_PG_URL public.preds)');
    expect(r.stderr).toContain('error SOURCE_UNAVAILABLE');
  }, 60_000);
});
