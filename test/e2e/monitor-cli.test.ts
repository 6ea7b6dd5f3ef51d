import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorReport } from '../../functions/lib/monitor/types.ts';
import { TWO_LABEL_SPEC, writeFixtureBundle } from '../fixtures/bundles/build-bundle.ts';
import { logPredictions, vigil } from './helpers/vigil-cli.ts';

const NOW = '2026-03-02T00:00:00.000Z';

const POSITIVE = [
  'a wonderful film',
  'great acting and a lovely story',
  'the best movie i have seen',
  'brilliant and moving',
  'funny and charming',
];
const NEGATIVE = [
  'a boring mess',
  'the worst film',
  'dull and slow',
  'awful acting and a weak script',
  'i hated this movie',
];

let root: string;
let bundle: string;
let dataDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-e2e-monitor-'));
  bundle = await writeFixtureBundle(join(root, 'bundle'), TWO_LABEL_SPEC);
  dataDir = join(root, 'data');
  const rows = Array.from({ length: 80 }, (_, i) =>
    i % 2 ? `${POSITIVE[i % 5]} ${i}\t1` : `${NEGATIVE[i % 5]} ${i}\t0`,
  );
  await writeFile(join(root, 'reference.tsv'), `sentence\tlabel\n${rows.join('\n')}\n`);

  // Logged traffic: the same kind of texts, written through the store as the predict handler would.
  const texts = Array.from({ length: 60 }, (_, i) => `${(i % 3 ? POSITIVE : NEGATIVE)[i % 5]} ${100 + i}`);
  await logPredictions(bundle, dataDir, texts, Date.parse(NOW) - 2 * 3_600_000);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('vigil baseline + vigil monitor', () => {
  it('builds a labelled baseline from a .tsv with a progress bar', async () => {
    const r = await vigil([
      'baseline',
      '--input',
      join(root, 'reference.tsv'),
      '--model',
      bundle,
      '--data-dir',
      dataDir,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('80/80 (100%)');
    expect(r.stdout).toMatch(/baseline of 80 records written/);
    expect(r.stdout).toMatch(/80 true labels stored/);
    const base = join(dataDir, 'baselines', 'model=fixture-sentiment', 'version=1.0.0');
    expect((await stat(join(base, 'reference.parquet'))).size).toBeGreaterThan(0);
    expect((await stat(join(base, 'reference-labels.parquet'))).size).toBeGreaterThan(0);
  });

  it('prints the report JSON with --json, exits 0 and writes the report files', async () => {
    const r = await vigil(['monitor', '--data-dir', dataDir, '--model', bundle, '--now', NOW, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as MonitorReport;
    expect(report.schemaVersion).toBe(1);
    expect(report.model).toEqual({ name: 'fixture-sentiment', version: '1.0.0' });
    expect(report.window).toEqual({ start: '2026-03-01T00:00:00.000Z', end: NOW });
    expect(report.reference).toEqual({ kind: 'baseline', size: 80 });
    expect(report.metrics['volume.current']).toBe(60);
    const checks = report.findings.map((f) => f.check);
    expect(checks).toEqual(
      expect.arrayContaining([
        'embedding_drift.mmd',
        'prediction_drift.label_chi_square',
        'integrity.truncation',
      ]),
    );
    for (const f of report.findings)
      expect(['ok', 'warning', 'alert', 'insufficient_data']).toContain(f.verdict);
    const dir = join(dataDir, 'reports', 'model=fixture-sentiment', 'version=1.0.0');
    const written = JSON.parse(await readFile(join(dir, '2026-03-02T00-00-00.000Z.json'), 'utf8'));
    expect(written).toEqual(report);
    expect(await readFile(join(dir, '2026-03-02T00-00-00.000Z.html'), 'utf8')).toContain('<html');
    expect((await stat(join(dir, 'latest.html'))).size).toBeGreaterThan(0);
  });

  it('prints the findings as a table without --json', async () => {
    const r = await vigil([
      'monitor',
      '--data-dir',
      dataDir,
      '--model',
      bundle,
      '--now',
      NOW,
      '--window',
      '6h',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verdict\s+check\s+value/);
    expect(r.stdout).toContain('embedding_drift.mmd');
    expect(r.stdout).toContain('2026-03-01T18:00:00.000Z .. 2026-03-02T00:00:00.000Z');
  });

  it('exits 1 with a stable code when there is no baseline, 2 on bad arguments', async () => {
    const empty = await vigil([
      'monitor',
      '--data-dir',
      join(root, 'nothing'),
      '--model',
      bundle,
      '--now',
      NOW,
    ]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('BASELINE_NOT_FOUND');
    const bad = await vigil(['monitor', '--data-dir', dataDir, '--window', 'forever']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--window must be a positive duration');
  });
});
