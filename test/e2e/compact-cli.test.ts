import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { readPredictions } from '../../functions/lib/records/read.ts';
import { makePredictions } from '../unit/records/make-records.ts';

const REPO = resolve(import.meta.dirname, '../..');

function vigil(args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/vigil.mjs'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function partsIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => join(e.parentPath, e.name));
}

const HOUR_10 = Date.parse('2026-11-29T10:00:00Z');
const HOUR_11 = Date.parse('2026-11-29T11:00:00Z');

describe('vigil compact', () => {
  let dir: string;

  beforeEach(async () => {
    // Prepare: 12 requests in hour 10 and 3 in hour 11, one part file each, as the endpoint writes them.
    dir = await mkdtemp(join(tmpdir(), 'vigil-compact-'));
    const store = createLocalStore(dir);
    for (let i = 0; i < 12; i++)
      await store.putPredictions(makePredictions({ n: 5, startMs: HOUR_10 + i * 60_000, seed: i + 1 }));
    for (let i = 0; i < 3; i++)
      await store.putPredictions(makePredictions({ n: 4, startMs: HOUR_11 + i * 60_000, seed: 100 + i }));
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('merges closed hours into one file each and keeps every record exactly once', async () => {
    const store = createLocalStore(dir);
    const window = {
      model: 'sst2-default',
      version: '1',
      from: new Date(HOUR_10),
      to: new Date(HOUR_11 + 3_600_000),
    };
    const before = (await readPredictions(store, window)).map((r) => r.id).sort();

    // Act: at 11:30 only hour 10 is closed.
    const r = vigil(['compact', '--data-dir', dir, '--now', '2026-11-29T11:30:00Z', '--engine', 'js']);

    // Assess
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('12 parts -> 1 file, 60 records');
    const hour10 = await partsIn(
      join(dir, 'predictions/model=sst2-default/version=1/date=2026-11-29/hour=10'),
    );
    const hour11 = await partsIn(
      join(dir, 'predictions/model=sst2-default/version=1/date=2026-11-29/hour=11'),
    );
    expect(hour10).toHaveLength(1);
    expect(hour11).toHaveLength(3);
    const after = (await readPredictions(store, window)).map((r) => r.id).sort();
    expect(after).toEqual(before);
    expect(after).toHaveLength(72);
  });

  it('compacts a named hour with the DuckDB engine', async () => {
    const r = vigil(['compact', '--data-dir', dir, '--hour', '2026-11-29T11']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 parts -> 1 file, 12 records');
    const hour11 = await partsIn(
      join(dir, 'predictions/model=sst2-default/version=1/date=2026-11-29/hour=11'),
    );
    expect(hour11).toHaveLength(1);
    const hour10 = await partsIn(
      join(dir, 'predictions/model=sst2-default/version=1/date=2026-11-29/hour=10'),
    );
    expect(hour10).toHaveLength(12);
  });

  it('rejects a malformed --hour with a usage error', () => {
    const r = vigil(['compact', '--data-dir', dir, '--hour', '29/11/2026']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--hour must look like');
  });
});
