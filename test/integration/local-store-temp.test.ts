/**
 * Temp files of the local store (issue 15, defect 5): a write that fails removes its temp file, and
 * what killed writers left behind is swept by the next store that writes.
 */
import { mkdir, mkdtemp, open, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalStore, LocalObjectStore } from '../../functions/adapters/local-store.ts';
import { LogWriteError } from '../../functions/lib/records/store.ts';
import { makePredictions } from '../unit/records/make-records.ts';

let root: string;
const tmpFiles = () => readdir(join(root, '.vigil-tmp')).catch(() => [] as string[]);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-local-tmp-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('local store temp files', () => {
  it('removes the temp file of a write that fails half-way (disk full), and the caller sees the error', async () => {
    // Prepare: a disk that takes the first bytes, then fills up, on every write.
    const fullDisk: typeof open = async (path, flags) => {
      const fh = await open(path, flags);
      return Object.assign(Object.create(fh), {
        writeFile: async (bytes: Uint8Array) => {
          await fh.writeFile(bytes.subarray(0, 10));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
        sync: () => fh.sync(),
        close: () => fh.close(),
      });
    };
    const store = createLocalStore(root, { openFile: fullDisk });
    const records = makePredictions({ n: 3, startMs: Date.parse('2026-02-03T04:00:00Z') });
    // Act
    for (let i = 0; i < 25; i++)
      await expect(store.putPredictions(records)).rejects.toBeInstanceOf(LogWriteError);
    // Assess: nothing half-written left behind, nothing in the log.
    expect(await tmpFiles()).toEqual([]);
    expect(await store.list('predictions/')).toEqual([]);
  });

  it('sweeps temp files older than the limit on the first write, keeping fresh ones', async () => {
    // Prepare: what a kill -9 leaves: two old temp files (one partial) and one being written now.
    const tmp = join(root, '.vigil-tmp');
    await mkdir(tmp, { recursive: true });
    for (const name of ['a.tmp', 'b.tmp', 'fresh.tmp']) await writeFile(join(tmp, name), 'PAR1 partial');
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const name of ['a.tmp', 'b.tmp']) await utimes(join(tmp, name), hourAgo, hourAgo);
    const store = new LocalObjectStore(root);
    // Act
    await store.putObject('reports/x.json', '{}');
    // Assess
    expect(await tmpFiles()).toEqual(['fresh.tmp']);
    expect(await store.getObject('reports/x.json')).not.toBeNull();
    expect(await new LocalObjectStore(root).sweepStaleTempFiles(0)).toBe(1);
  });
});
