/**
 * Why hyparquet-writer and not parquetjs-lite: per-row write cost of a 768-float prediction record for
 * both, the logging cost of one request on local disk, and parquetjs-lite's reader on its own
 * TIMESTAMP_MILLIS file. Run: node bin/run-ts.mjs bench/parquet-writers.ts [rows=2000]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
// @ts-expect-error parquetjs-lite ships no type declarations.
import parquet from 'parquetjs-lite';
import { createLocalStore } from '../functions/adapters/local-store.ts';
import { decodePredictions, encodePredictions } from '../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../functions/lib/records/schema.ts';
import { makePredictions } from '../test/unit/records/make-records.ts';

const ROWS = Number(process.argv[2] ?? 2000);
const DIM = 768;

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];

function parquetjsSchema() {
  return new parquet.ParquetSchema({
    id: { type: 'UTF8', compression: 'SNAPPY' },
    timestamp: { type: 'TIMESTAMP_MILLIS', compression: 'SNAPPY' },
    model_name: { type: 'UTF8', compression: 'SNAPPY' },
    model_version: { type: 'UTF8', compression: 'SNAPPY' },
    text: { type: 'UTF8', optional: true, compression: 'SNAPPY' },
    text_sha256: { type: 'UTF8', compression: 'SNAPPY' },
    text_chars: { type: 'INT32', compression: 'SNAPPY' },
    token_count: { type: 'INT32', compression: 'SNAPPY' },
    truncated: { type: 'BOOLEAN', compression: 'SNAPPY' },
    unknown_token_ratio: { type: 'DOUBLE', compression: 'SNAPPY' },
    label: { type: 'UTF8', compression: 'SNAPPY' },
    score: { type: 'DOUBLE', compression: 'SNAPPY' },
    probabilities: { type: 'FLOAT', repeated: true, compression: 'SNAPPY' },
    embedding: { type: 'FLOAT', repeated: true, compression: 'SNAPPY' },
    latency_ms: { type: 'DOUBLE', compression: 'SNAPPY' },
    request_id: { type: 'UTF8', compression: 'SNAPPY' },
  });
}

async function parquetjsEncode(records: PredictionRecord[]): Promise<number> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk, _enc, done) {
      bytes += chunk.length;
      done();
    },
  });
  const writer = await parquet.ParquetWriter.openStream(parquetjsSchema(), sink);
  for (const r of records) await writer.appendRow({ ...r, embedding: Array.from(r.embedding) });
  await writer.close();
  return bytes;
}

async function timeIt(fn: () => Promise<unknown> | unknown, reps: number): Promise<number> {
  // Warm up the JIT on this exact call, or the first reps measure compilation.
  for (let i = 0; i < Math.min(reps, 50); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

async function writerComparison() {
  const records = makePredictions({ n: ROWS, startMs: Date.UTC(2026, 0, 1), dim: DIM });
  let hyBytes = 0;
  const hyMs = await timeIt(() => {
    hyBytes = encodePredictions(records).byteLength;
  }, 3);
  let pjBytes = 0;
  const pjMs = await timeIt(async () => {
    pjBytes = await parquetjsEncode(records);
  }, 3);
  const one = records.slice(0, 1);
  const hyOne = await timeIt(() => encodePredictions(one), 200);
  const pjOne = await timeIt(() => parquetjsEncode(one), 200);
  return {
    rows: ROWS,
    dim: DIM,
    hyparquetWriter: { msPerRow: hyMs / ROWS, fileBytes: hyBytes, oneRowFileMs: hyOne },
    parquetjsLite: { msPerRow: pjMs / ROWS, fileBytes: pjBytes, oneRowFileMs: pjOne },
    slowdownPerRow: pjMs / hyMs,
    slowdownOneRowFile: pjOne / hyOne,
  };
}

async function parquetjsTimestampRoundTrip(dir: string) {
  const path = join(dir, 'parquetjs-timestamp.parquet');
  const schema = new parquet.ParquetSchema({ id: { type: 'UTF8' }, timestamp: { type: 'TIMESTAMP_MILLIS' } });
  const writer = await parquet.ParquetWriter.openFile(schema, path);
  await writer.appendRow({ id: 'a', timestamp: new Date(Date.UTC(2026, 0, 1, 12)) });
  await writer.close();
  try {
    const reader = await parquet.ParquetReader.openFile(path);
    const cursor = reader.getCursor();
    const row = await cursor.next();
    await reader.close();
    return { reproduced: false, row };
  } catch (e) {
    return { reproduced: true, error: String((e as Error)?.message ?? e) };
  }
}

async function loggingCost(dir: string, dim: number, reps: number) {
  const store = createLocalStore(join(dir, `log-${dim}`));
  const times: number[] = [];
  for (let i = 0; i < reps + 20; i++) {
    const [record] = makePredictions({ n: 1, startMs: Date.UTC(2026, 0, 1) + i, dim, seed: i + 1 });
    const t0 = performance.now();
    await store.putPredictions([record]);
    if (i >= 20) times.push(performance.now() - t0);
  }
  const sample = makePredictions({ n: 1, startMs: 0, dim });
  const encodeOnly = await timeIt(() => encodePredictions(sample), 200);
  return {
    dim,
    requests: reps,
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    p50Ms: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    encodeOnlyMs: encodeOnly,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-writers-'));
try {
  const comparison = await writerComparison();
  // Sanity: what we benchmark is what we read back.
  const check = await decodePredictions(encodePredictions(makePredictions({ n: 2, startMs: 0, dim: DIM })));
  if (check[1].embedding.length !== DIM) throw new Error('round trip failed');
  const timestamp = await parquetjsTimestampRoundTrip(dir);
  const logging = [await loggingCost(dir, 8, 300), await loggingCost(dir, DIM, 300)];
  console.log(
    JSON.stringify(
      { node: process.version, comparison, parquetjsTimestampRead: timestamp, logging },
      null,
      2,
    ),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
