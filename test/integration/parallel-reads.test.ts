/**
 * Readers fetch part files with bounded concurrency (issue 14, "Reading at scale"): never more than
 * 32 GETs in flight, the same window as a one-at-a-time read, and with a per-GET latency the window
 * is read in about 1/32 of the sequential time. Bounded for CI: 2,000 parts (1,000 on s3rver) with
 * 10 ms per GET; the 20,000 would take 200 s sequentially on a shared runner.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store } from '../../functions/adapters/s3-store.ts';
import { accumulateWindow } from '../../functions/lib/monitor/load.ts';
import { WindowAccumulator } from '../../functions/lib/monitor/window.ts';
import { DEFAULT_READ_CONCURRENCY, mapConcurrent } from '../../functions/lib/records/concurrency.ts';
import { createRecordStore, type ObjectStore, type RecordStore } from '../../functions/lib/records/store.ts';
import { makePredictions, seededRandomBytes } from '../unit/records/make-records.ts';
import { MemoryObjectStore } from '../unit/records/memory-store.ts';
import { type LocalS3, startLocalS3 } from './s3rver.ts';

const START = Date.parse('2026-02-03T00:00:00Z');
// Four days, so no date prefix lists more than 1,000 keys (s3rver fails to page past 1,000).
const SPAN_MS = 4 * 24 * 3_600_000;
const MODEL = { name: 'sst2-default', version: '1' };
const RANGE = { fromMs: START, toMs: START + SPAN_MS };
const PARTS = 2000;
// s3rver spends a few ms of CPU per request on the shared runner: half as many parts keeps it short.
const S3_PARTS = 1000;
const DELAY_MS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function writeParts(store: RecordStore, n: number): Promise<string[]> {
  const all = makePredictions({ n, startMs: START + 1000, stepMs: Math.floor(SPAN_MS / n), dim: 8 });
  await mapConcurrent(all, 16, (r) => store.putPredictions([r]));
  return all.map((r) => r.id);
}

/** Reads the window into an accumulator; returns its size and the wall time. */
async function timedRead(store: ObjectStore, concurrency: number) {
  const acc = new WindowAccumulator(64, 1);
  const t0 = performance.now();
  await accumulateWindow(store, MODEL, RANGE, acc, { concurrency });
  return { ms: performance.now() - t0, window: acc.build() };
}

describe('bounded-concurrency reads with a 10 ms GET (in-process store)', () => {
  it('keeps at most 32 GETs in flight and reads 2,000 parts in about 1/32 of the sequential time', async () => {
    // Prepare: every GET waits 10 ms, and the store counts how many are in flight.
    let t = START;
    const inner = new MemoryObjectStore();
    const store = createRecordStore(inner, { now: () => t++, randomBytes: seededRandomBytes(5) });
    const ids = await writeParts(store, PARTS);
    let inFlight = 0;
    let peak = 0;
    const slow = Object.assign(Object.create(store) as RecordStore, {
      getObject: async (key: string) => {
        peak = Math.max(peak, ++inFlight);
        await sleep(DELAY_MS);
        inFlight--;
        return store.getObject(key);
      },
    });

    // Act: the read without latency (decoding alone), with latency, and a sequential sample.
    const decodeOnly = await timedRead(store, DEFAULT_READ_CONCURRENCY);
    const parallel = await timedRead(slow, DEFAULT_READ_CONCURRENCY);
    const sequentialSample = await timedRead(
      Object.assign(Object.create(slow) as RecordStore, {
        list: async (prefix: string) => (await store.list(prefix)).slice(0, 100),
      }),
      1,
    );

    // Assess: the same window, a bounded number in flight, and the time of ~PARTS/32 round trips.
    expect(peak).toBe(DEFAULT_READ_CONCURRENCY);
    expect(parallel.window.size).toBe(PARTS);
    expect(new Set(parallel.window.id)).toEqual(new Set(ids));
    const sequentialMs = (sequentialSample.ms / 100) * PARTS;
    expect(sequentialMs).toBeGreaterThanOrEqual(PARTS * DELAY_MS);
    // The latency the read adds is about 1/32 of the sequential latency (20 s), 625 ms; allow 4x for a
    // shared runner. Decoding is CPU work on one thread either way, so it is measured apart.
    const latencyMs = parallel.ms - decodeOnly.ms;
    expect(latencyMs).toBeLessThan(((PARTS * DELAY_MS) / DEFAULT_READ_CONCURRENCY) * 4);
    expect(parallel.ms).toBeLessThan(sequentialMs / 4);
  });

  it('reads the same records in the same order whatever the concurrency', async () => {
    let t = START;
    const store = createRecordStore(new MemoryObjectStore(), {
      now: () => t++,
      randomBytes: seededRandomBytes(6),
    });
    await writeParts(store, 300);
    const jittery = Object.assign(Object.create(store) as RecordStore, {
      // Later keys answer sooner: results arrive out of order, and must be visited in order anyway.
      getObject: async (key: string) => {
        await sleep(key.charCodeAt(key.length - 9) % 7);
        return store.getObject(key);
      },
    });
    const one = await timedRead(jittery, 1);
    const many = await timedRead(jittery, 32);
    expect([...many.window.id]).toEqual([...one.window.id]);
    expect(many.window.sample.index).toEqual(one.window.sample.index);
  });
});

describe('bounded-concurrency reads on a local S3 server (s3rver) with a 10 ms GET', () => {
  let s3: LocalS3;
  let client: S3Client;
  let store: RecordStore;
  let ids: string[];

  beforeAll(async () => {
    s3 = await startLocalS3();
    client = s3.client();
    // Injected latency inside the SDK, before the request is sent: every GetObject waits 10 ms.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') await sleep(DELAY_MS);
        return next(args);
      },
      { step: 'initialize', name: 'injectGetDelay' },
    );
    store = createS3Store({ client, bucket: s3.bucket, conditionalWrites: 'unenforced' });
    ids = await writeParts(store, S3_PARTS);
  }, 180_000);

  afterAll(async () => {
    client?.destroy();
    await s3?.dispose();
  });

  it('reads 1,000 parts many times faster than one GET at a time, counting each record once', async () => {
    // Act: the whole window at 32 in flight; the sequential time from 100 parts read one by one.
    const parallel = await timedRead(store, DEFAULT_READ_CONCURRENCY);
    const sample = await timedRead(
      Object.assign(Object.create(store) as RecordStore, {
        list: async (prefix: string) => (await store.list(prefix)).slice(0, 100),
      }),
      1,
    );
    const sequentialMs = (sample.ms / 100) * S3_PARTS;
    // Assess: s3rver runs in this process and spends milliseconds of CPU per request on a shared core,
    // so the ideal 32x is out of reach here (6-13x measured); the GET latency no longer adds up.
    expect(parallel.window.size).toBe(S3_PARTS);
    expect(new Set(parallel.window.id)).toEqual(new Set(ids));
    expect(sequentialMs).toBeGreaterThan(S3_PARTS * DELAY_MS);
    expect(parallel.ms).toBeLessThan(sequentialMs / 3);
    console.info(
      `s3rver, ${S3_PARTS} parts, ${DELAY_MS} ms per GET: ${Math.round(parallel.ms)} ms at ${DEFAULT_READ_CONCURRENCY} in flight, ~${Math.round(sequentialMs)} ms one at a time`,
    );
  });
});
