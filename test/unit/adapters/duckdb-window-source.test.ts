import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckDbWindowSource } from '../../../functions/adapters/duckdb-window-source.ts';
import { createLocalStore } from '../../../functions/adapters/local-store.ts';
import { logWindowSource } from '../../../functions/lib/monitor/log-source.ts';
import type { PredictionRecord } from '../../../functions/lib/records/schema.ts';

const MODEL = { name: 'duck', version: '1' };
const T0 = Date.parse('2026-12-01T00:00:00.000Z');

function record(i: number): PredictionRecord {
  const embedding = Float32Array.from({ length: 6 }, (_, k) => Math.sin(i * 7 + k));
  const text = i % 9 === 0 ? null : `text ${i} ${'x'.repeat(i % 13)}`;
  return {
    id: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    timestamp: new Date(T0 + i * 60_000),
    model_name: MODEL.name,
    model_version: MODEL.version,
    text,
    text_sha256: text === null ? null : `sha-${i}`,
    text_chars: text === null ? null : text.length,
    token_count: text === null ? null : 3,
    truncated: text === null ? null : i % 17 === 0,
    unknown_token_ratio: text === null ? null : 0.01 * (i % 5),
    label: i % 3 === 0 ? 'NEGATIVE' : 'POSITIVE',
    score: i % 11 === 0 ? null : 0.5 + (i % 50) / 100,
    probabilities: [],
    embedding,
    latency_ms: 3,
    request_id: `r${i}`,
    fields: i % 2 === 0 ? { language: i % 4 === 0 ? 'de' : 'en' } : null,
    token_ids: i % 5 === 0 ? null : [101, 2000 + (i % 7), 102],
  } as PredictionRecord;
}

describe('duckDbWindowSource', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-duck-window-'));
    const store = createLocalStore(dir);
    // Three part files over three hours, one id repeated across files (readers drop repeats).
    const all = Array.from({ length: 300 }, (_, i) => record(i));
    await store.putPredictions(all.slice(0, 120));
    await store.putPredictions([...all.slice(120, 240), all[5]]);
    await store.putPredictions(all.slice(240));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the same window as the JavaScript log reader: sums, columns, sample, texts and token ids', async () => {
    // Prepare
    const store = createLocalStore(dir);
    const range = { fromMs: T0 + 30 * 60_000, toMs: T0 + 280 * 60_000 };
    const options = { capacity: 50, seed: 9, fields: ['language'], segmentFields: ['language'] };
    // Act
    const js = await logWindowSource(store, MODEL).loadWindow(range, options);
    const duck = await duckDbWindowSource(store, MODEL).loadWindow(range, options);
    // Assess
    expect(duck.size).toBe(250);
    expect(duck.id).toEqual(js.id);
    expect(duck.label).toEqual(js.label);
    expect(Array.from(duck.score)).toEqual(Array.from(js.score));
    expect(Array.from(duck.textChars)).toEqual(Array.from(js.textChars));
    expect(duck.textSha256).toEqual(js.textSha256);
    expect(Array.from(duck.embeddingSum)).toEqual(Array.from(js.embeddingSum));
    expect(Array.from(duck.sample.index)).toEqual(Array.from(js.sample.index));
    expect(Array.from(duck.sample.vectors)).toEqual(Array.from(js.sample.vectors));
    expect([...duck.sampleText]).toEqual([...js.sampleText]);
    expect([...duck.sampleTokenIds].map(([k, v]) => [k, v ? Array.from(v) : null])).toEqual(
      [...js.sampleTokenIds].map(([k, v]) => [k, v ? Array.from(v) : null]),
    );
    expect(duck.fields).toEqual(js.fields);
    expect(duck.files).toBe(js.files);
  });
});
