/**
 * Compaction speed: one hour of 100k records in per-request part files merged into one file by
 * compactHour (DuckDB merger and the portable hyparquet merger) against DuckDB's own COPY of the same
 * files. Target: within 2x of DuckDB's COPY.
 * Run: node bin/run-ts.mjs bench/compaction.ts [--records 100000] [--dim 32] [--per-part 100]
 */
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { mergeWithDuckDb } from '../functions/adapters/duckdb-merge.ts';
import { readPredictionColumnsDuckDb } from '../functions/adapters/duckdb-reader.ts';
import { createLocalStore } from '../functions/adapters/local-store.ts';
import { compactHour, type HourMerger, mergeWithHyparquet } from '../functions/lib/records/compaction.ts';
import { predictionsHourPrefix } from '../functions/lib/records/layout.ts';
import { readPredictionColumns } from '../functions/lib/records/read.ts';
import { makePredictions } from '../test/unit/records/make-records.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '32' },
    'per-part': { type: 'string', default: '100' },
    reps: { type: 'string', default: '3' },
  },
});
const RECORDS = Number(args.records);
const DIM = Number(args.dim);
const PER_PART = Number(args['per-part']);
const REPS = Number(args.reps);
const HOUR = { model: 'bench', version: '1', date: '2026-01-01', hour: 10 };
const START = Date.UTC(2026, 0, 1, 10);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = await mkdtemp(join(tmpdir(), 'vigil-bench-compaction-'));
try {
  const source = join(root, 'source');
  const store = createLocalStore(source);
  for (let i = 0; i < RECORDS; i += PER_PART) {
    const n = Math.min(PER_PART, RECORDS - i);
    // 30 ms apart keeps 100k records inside the one hour.
    await store.putPredictions(
      makePredictions({ n, startMs: START + i * 30, stepMs: 30, dim: DIM, seed: i + 1, model: 'bench' }),
    );
  }
  const hourDir = (base: string) => join(base, ...predictionsHourPrefix(HOUR).split('/').filter(Boolean));
  const parts = (await readdir(hourDir(source))).length;

  const duck = await DuckDBInstance.create(':memory:');
  const con = await duck.connect();
  const glob = join(hourDir(source), '*.parquet');
  const copy = async (select: string) => {
    const out = join(root, 'duck-copy.parquet');
    const t0 = performance.now();
    await con.run(`COPY (${select}) TO '${out}' (FORMAT parquet, COMPRESSION snappy)`);
    const ms = performance.now() - t0;
    await rm(out);
    return ms;
  };
  let compactedCopy = '';
  const compact = async (merge: HourMerger) => {
    const run = join(root, 'run');
    await rm(run, { recursive: true, force: true });
    await cp(source, run, { recursive: true });
    const t0 = performance.now();
    const result = await compactHour(createLocalStore(run), HOUR, { merge });
    const ms = performance.now() - t0;
    if (result.records !== RECORDS)
      throw new Error(`compacted ${result.records} records, expected ${RECORDS}`);
    compactedCopy = run;
    return { ms, bytes: (await stat(join(run, ...(result.key as string).split('/')))).size };
  };

  // Interleaved, so a machine whose load changes during the run slows every contender alike.
  const runs: Record<string, number[]> = {
    duckdbCopy: [],
    duckdbCopyDedupeSorted: [],
    duckDbMerger: [],
    hyparquetMerger: [],
  };
  const bytes: Record<string, number> = {};
  for (let r = 0; r < REPS; r++) {
    runs.duckdbCopy.push(await copy(`SELECT * FROM read_parquet('${glob}')`));
    runs.duckdbCopyDedupeSorted.push(
      await copy(
        `SELECT * FROM read_parquet('${glob}') QUALIFY row_number() OVER (PARTITION BY id) = 1 ORDER BY "timestamp", id`,
      ),
    );
    const d = await compact(mergeWithDuckDb);
    runs.duckDbMerger.push(d.ms);
    bytes.duckDbMerger = d.bytes;
    const h = await compact(mergeWithHyparquet);
    runs.hyparquetMerger.push(h.ms);
    bytes.hyparquetMerger = h.bytes;
  }
  con.closeSync();
  duck.closeSync();

  // Reading the compacted hour back: the two window readers of the monitor.
  const window = {
    model: HOUR.model,
    version: HOUR.version,
    from: new Date(START),
    to: new Date(START + 3_600_000),
  };
  const readStore = createLocalStore(compactedCopy);
  let t0 = performance.now();
  const viaHyparquet = await readPredictionColumns(readStore, window);
  const readHyparquetMs = performance.now() - t0;
  t0 = performance.now();
  const viaDuckDb = await readPredictionColumnsDuckDb(readStore, window);
  const readDuckDbMs = performance.now() - t0;
  if (viaHyparquet.length !== RECORDS || viaDuckDb.length !== RECORDS)
    throw new Error('read back the wrong count');

  const summary = Object.fromEntries(
    Object.entries(runs).map(([k, v]) => [
      k,
      {
        medianMs: Math.round(median(v)),
        recordsPerSec: Math.round(RECORDS / (median(v) / 1000)),
        runsMs: v.map(Math.round),
        outBytes: bytes[k],
      },
    ]),
  );
  const ratio = (k: string) => median(runs[k].map((ms, i) => ms / runs.duckdbCopy[i]));
  console.log(
    JSON.stringify(
      {
        node: process.version,
        records: RECORDS,
        dim: DIM,
        parts,
        loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
        ...summary,
        ratioToDuckdbCopy: { duckDbMerger: ratio('duckDbMerger'), hyparquetMerger: ratio('hyparquetMerger') },
        readCompactedHour: {
          hyparquetMs: Math.round(readHyparquetMs),
          duckDbMs: Math.round(readDuckDbMs),
          embeddingBytes: viaDuckDb.embedding.byteLength,
        },
      },
      null,
      2,
    ),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
