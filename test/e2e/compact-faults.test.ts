/**
 * `vigil compact` over a log with an unreadable part (issue 15, defect 4): both engines name the part,
 * leave it in place, and go on to compact the other hours.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { predictionPartKey, predictionsHourPrefix } from '../../functions/lib/records/layout.ts';
import type { RecordStore } from '../../functions/lib/records/store.ts';
import { truncatedFile } from '../unit/records/foreign-files.ts';
import { makePredictions } from '../unit/records/make-records.ts';

const REPO = resolve(import.meta.dirname, '../..');
const hour = (h: number) => ({ model: 'sst2-default', version: '1', date: '2026-11-29', hour: h });
const startOf = (h: number) => Date.parse(`2026-11-29T${String(h).padStart(2, '0')}:00:00Z`);

function vigil(args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/vigil.mjs'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('vigil compact with an unreadable part', () => {
  let dir: string;
  let store: RecordStore;
  const bad = predictionPartKey(hour(10), '0190dddd-0000-7000-8000-000000000001');

  beforeEach(async () => {
    // Prepare: hour 10 has 3 good parts and a truncated one (sorted first), hour 11 has 3 good parts.
    dir = await mkdtemp(join(tmpdir(), 'vigil-compact-faults-'));
    store = createLocalStore(dir);
    for (const h of [10, 11])
      for (let i = 0; i < 3; i++)
        await store.putPredictions(
          makePredictions({ n: 4, startMs: startOf(h) + i * 60_000, seed: h * 10 + i }),
        );
    await store.putObject(bad, truncatedFile(makePredictions({ n: 2, startMs: startOf(10), seed: 99 })));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const engine of ['js', 'duckdb']) {
    it(`names the part, leaves it, and compacts both hours (${engine} engine)`, async () => {
      // Act
      const r = vigil(['compact', '--data-dir', dir, '--engine', engine, '--now', '2026-11-30T00:00:00Z']);
      // Assess
      expect(r.code).toBe(0);
      expect(r.err).toContain(`left ${bad} in place`);
      expect(r.out).toMatch(/2026-11-29T10: 3 parts -> 1 file, 12 records/);
      expect(r.out).toMatch(/2026-11-29T11: 3 parts -> 1 file, 12 records/);
      const ten = await store.list(predictionsHourPrefix(hour(10)));
      expect(ten).toHaveLength(2);
      expect(ten).toContain(bad);
      expect(await store.list(predictionsHourPrefix(hour(11)))).toHaveLength(1);
    });
  }
});
