import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { baselineKey, baselineLabelsKey } from '../../functions/lib/monitor/keys.ts';
import { decodeActuals, decodePredictions } from '../../functions/lib/records/parquet.ts';
import { createRng } from '../../functions/lib/stats/rng.ts';
import { vigil } from './helpers/vigil-cli.ts';

const DIM = 8;

describe('vigil model and vigil baseline for a model served elsewhere', () => {
  let dir: string;
  let dataDir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-model-cli-'));
    dataDir = join(dir, 'data');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('declares a model version with fields and monitors as code, and lists it', async () => {
    const config = join(dir, 'monitors.json');
    writeFileSync(config, JSON.stringify({ window: '6h', embedding_drift: { mmd: { alert: 0.005 } } }));
    const created = await vigil([
      'model',
      'create',
      '--data-dir',
      dataDir,
      '--name',
      'reviews',
      '--version',
      '2',
      '--labels',
      'negative,neutral,positive',
      '--embedding-dim',
      String(DIM),
      '--field',
      'language:string:segment',
      '--field',
      'premium:boolean',
      '--config',
      config,
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created reviews@2');
    const stored = JSON.parse(
      readFileSync(join(dataDir, 'models/model=reviews/version=2/model.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(stored).toMatchObject({
      labels: ['negative', 'neutral', 'positive'],
      embedding_dim: DIM,
      fields: [
        { name: 'language', type: 'string', segment: true },
        { name: 'premium', type: 'boolean', segment: false },
      ],
      monitors: { window: '6h', embedding_drift: { mmd: { alert: 0.005 } } },
    });
    const listed = await vigil(['model', 'list', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('reviews@2  logged  labels negative,neutral,positive  dim 8');
    expect(listed.stdout).toContain('fields language:string:segment premium:boolean');
  });

  it('refuses a bad monitors file at declaration with the JSON path and rule (exit 1)', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ embedding_drift: { mmd: { alert: 1.5 } } }));
    const r = await vigil([
      'model',
      'create',
      '--data-dir',
      dataDir,
      '--name',
      'reviews',
      '--version',
      '3',
      '--labels',
      'a,b',
      '--embedding-dim',
      '8',
      '--config',
      config,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error INVALID_MODEL_VERSION: monitors.embedding_drift.mmd.alert: must be in (0, 1)',
    );
  });

  it('refuses a malformed --field with a usage error (exit 2)', async () => {
    const r = await vigil([
      'model',
      'create',
      '--name',
      'x',
      '--version',
      '1',
      '--labels',
      'a,b',
      '--embedding-dim',
      '4',
      '--field',
      'language',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--field must be NAME:TYPE');
  });

  it('builds a baseline from a JSONL file that already carries embeddings, with true labels', async () => {
    const rng = createRng(4);
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({
        text: `text ${i}`,
        embedding: Array.from({ length: DIM }, () => rng.random()),
        label: ['negative', 'neutral', 'positive'][i % 3],
        score: 0.8,
        fields: { language: i % 2 ? 'de' : 'en', premium: false },
        ...(i % 5 === 0 ? { actual: 'neutral' } : {}),
      }),
    );
    const input = join(dir, 'reference.jsonl');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const r = await vigil([
      'baseline',
      '--data-dir',
      dataDir,
      '--model-name',
      'reviews',
      '--model-version',
      '2',
      '--input',
      input,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const store = createLocalStore(dataDir);
    const records = await decodePredictions(
      (await store.getObject(baselineKey('reviews', '2'))) as Uint8Array,
    );
    expect(records).toHaveLength(50);
    expect(records[1].fields).toEqual({ language: 'de', premium: false });
    const actuals = await decodeActuals(
      (await store.getObject(baselineLabelsKey('reviews', '2'))) as Uint8Array,
    );
    expect(actuals).toHaveLength(10);
  });

  it('refuses a baseline record that does not fit the declaration, naming the line and field', async () => {
    const input = join(dir, 'bad.jsonl');
    writeFileSync(
      input,
      `${JSON.stringify({ text: 'x', embedding: [1, 2], label: 'negative', score: 0.5 })}\n`,
    );
    const r = await vigil([
      'baseline',
      '--data-dir',
      dataDir,
      '--model-name',
      'reviews',
      '--model-version',
      '2',
      '--input',
      input,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error SCHEMA_MISMATCH: records[0].embedding: has 2 values; the model version declares 8',
    );
  });
});
