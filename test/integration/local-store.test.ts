import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPredictionColumnsDuckDb } from '../../functions/adapters/duckdb-reader.ts';
import { createLocalStore, LocalObjectStore } from '../../functions/adapters/local-store.ts';
import { readPredictionColumns } from '../../functions/lib/records/read.ts';
import { describeStoreContract } from './store-contract.ts';

const dirs: string[] = [];
const freshDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-local-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describeStoreContract('LocalStore', async () => createLocalStore(await freshDir()));

describe('LocalStore specifics', () => {
  it('lets exactly one of many concurrent conditional writers win', async () => {
    const store = createLocalStore(await freshDir());
    const key = 'state/model=m/version=1/alerts.json';
    const first = await store.putObjectIfMatch(key, 'v0', null);
    if (!first.ok) throw new Error('initial create failed');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.putObjectIfMatch(key, `writer ${i}`, first.etag)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('keeps writing after its data dir was removed behind its back (directories are cached)', async () => {
    const dir = await freshDir();
    const store = new LocalObjectStore(dir);
    await store.putObject('predictions/model=m/version=1/date=2026-01-01/hour=00/a.parquet', 'one');
    await rm(dir, { recursive: true, force: true });
    await store.putObject('predictions/model=m/version=1/date=2026-01-01/hour=00/b.parquet', 'two');
    expect(
      new TextDecoder().decode(
        (await store.getObject('predictions/model=m/version=1/date=2026-01-01/hour=00/b.parquet')) ??
          undefined,
      ),
    ).toBe('two');
  });

  it('refuses keys that escape the root', async () => {
    const store = new LocalObjectStore(await freshDir());
    await expect(store.putObject('../evil', 'x')).rejects.toMatchObject({ code: 'STORE_IO_FAILED' });
    await expect(store.putObject('/abs', 'x')).rejects.toMatchObject({ code: 'STORE_IO_FAILED' });
  });

  it('reads an empty window with both readers', async () => {
    const store = createLocalStore(await freshDir());
    const window = { model: 'm', version: '1', from: new Date(0), to: new Date(7_200_000) };
    expect((await readPredictionColumnsDuckDb(store, window)).length).toBe(0);
    expect((await readPredictionColumns(store, window)).length).toBe(0);
  });

  it('leaves no temp or lock files in the data folders', async () => {
    const dir = await freshDir();
    const store = createLocalStore(dir);
    await store.putObject('reports/a.json', '{}');
    await store.putObjectIfMatch('state/s.json', '{}', null);
    expect(await readdir(join(dir, '.vigil-tmp'))).toEqual([]);
    expect(await readdir(join(dir, '.vigil-locks'))).toEqual([]);
    expect(await store.list('')).toEqual(['reports/a.json', 'state/s.json']);
  });
});
