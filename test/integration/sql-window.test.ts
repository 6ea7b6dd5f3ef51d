/**
 * The SQL query layer on DuckDB over real Parquet written by Vigil (createLocalStore + putPredictions):
 * the window it builds equals the in-process reader's on the same log, every aggregate query equals the
 * same figure computed in JS from the records, and the monitoring run's findings are the same.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbEngine, type DuckDbEngine } from '../../functions/adapters/duckdb-engine.ts';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { resolveMonitorConfig } from '../../functions/lib/monitor/config.ts';
import { logWindowSource } from '../../functions/lib/monitor/log-source.ts';
import { runMonitor } from '../../functions/lib/monitor/run.ts';
import { type MonitorWindow, windowFromRows } from '../../functions/lib/monitor/window.ts';
import { SqlWindowSource } from '../../functions/lib/query/sql-window-source.ts';
import {
  fieldCountsQuery,
  labelCountsQuery,
  lengthHistogramQuery,
  sampleQuery,
  scoreHistogramQuery,
  summaryQuery,
  type WindowSql,
} from '../../functions/lib/query/window-queries.ts';
import type { PredictionRecord } from '../../functions/lib/records/schema.ts';
import { createRng, randomInt } from '../../functions/lib/stats/rng.ts';

const MODEL = { name: 'reviews', version: '3' };
const LABELS = ['negative', 'positive'];
const DIM = 8;
const T0 = Date.UTC(2026, 11, 1, 22, 0, 0);
const HOUR = 3_600_000;
const LANGS = ['de', 'en', 'fr'];

/** Records across four hours (two dates), with the nulls, fields and token ids of schema v2. */
function makeRecords(
  n: number,
  seed: number,
  shift: number,
  idPrefix: number,
  opts: { nulls?: boolean; version?: string } = {},
): PredictionRecord[] {
  const nulls = opts.nulls ?? true;
  const rng = createRng(seed);
  const u = () => rng.random();
  return Array.from({ length: n }, (_, i) => {
    const ts = T0 + Math.floor((i * 4 * HOUR) / n) + 1;
    const logged = nulls && i % 7 === 3;
    const len = randomInt(rng, 200);
    const score = 0.5 + u() / 2;
    const embedding = Array.from({ length: DIM }, (_, k) =>
      Math.fround((u() - 0.5) * 2 + (k === 0 ? shift : 0)),
    );
    return {
      id: `0190${String(idPrefix).padStart(4, '0')}-0000-7000-8000-${String(i).padStart(12, '0')}`,
      timestamp: new Date(ts),
      model_name: MODEL.name,
      model_version: opts.version ?? MODEL.version,
      text: logged ? null : `text ${i}`.padEnd(len, 'x'),
      text_sha256: logged ? null : `${String(i % 50).padStart(64, '0')}`,
      text_chars: logged ? null : len,
      token_count: logged ? null : Math.ceil(len / 4),
      truncated: logged ? null : len > 150,
      unknown_token_ratio: logged ? null : Math.round(u() * 100) / 1000,
      label: LABELS[randomInt(rng, 2)],
      score: nulls && i % 11 === 5 ? null : score,
      probabilities: [],
      embedding,
      latency_ms: logged ? null : 2,
      request_id: `req-${i}`,
      fields: i % 13 === 0 ? null : { language: LANGS[i % 3], len: i % 4, ok: i % 2 === 0 },
      token_ids: logged ? null : [101, i % 30, 102],
    };
  });
}

let dir: string;
let engine: DuckDbEngine;
let records: PredictionRecord[];
const range = { fromMs: T0, toMs: T0 + 4 * HOUR };
const load = { capacity: 1000, seed: 7, fields: ['language', 'len', 'ok'], segmentFields: ['language'] };
let inProcess: MonitorWindow;
let sql: MonitorWindow;
let w: WindowSql;
let completeStore: ReturnType<typeof createLocalStore>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-sql-window-'));
  const store = createLocalStore(dir);
  records = makeRecords(600, 3, 0, 1);
  // Written in time order, 50 records a request, so file order is time order for the in-process reader.
  for (let i = 0; i < records.length; i += 50) await store.putPredictions(records.slice(i, i + 50));
  // A client retry: the same record again, later (readers keep the first), and a row of another width.
  await store.putPredictions([{ ...records[10], timestamp: new Date(T0 + 4 * HOUR - 10) }]);
  await store.putPredictions([
    {
      ...records[20],
      id: '01900000-0000-7000-8000-ffffffffffff',
      timestamp: new Date(T0 + 4 * HOUR - 5),
      embedding: [1, 2, 3],
    },
  ]);
  // Outside the window on both sides: never read.
  await store.putPredictions([{ ...records[0], id: 'before-0', timestamp: new Date(T0 - 1) }]);
  await store.putPredictions([{ ...records[0], id: 'after-0', timestamp: new Date(T0 + 4 * HOUR) }]);

  // A complete (no nulls) drifted version for the findings comparison.
  const complete = makeRecords(500, 11, 0.4, 3, { nulls: false, version: 'complete' });
  for (let i = 0; i < complete.length; i += 100) await store.putPredictions(complete.slice(i, i + 100));

  engine = await createDuckDbEngine(store);
  completeStore = store;
  inProcess = await logWindowSource(store, MODEL).loadWindow(range, load);
  sql = await new SqlWindowSource(engine, MODEL).loadWindow(range, load);
  const scope = { model: MODEL.name, version: MODEL.version, ...range };
  const relation = await engine.relation(scope);
  if (!relation) throw new Error('expected files in the window');
  w = { dialect: 'duckdb', relation, scope, dedupe: true, dim: DIM };
}, 60_000);

afterAll(async () => {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

const nanSafe = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : v));

describe('SqlWindowSource on DuckDB', () => {
  it('reads the same rows, in the same order, with the same scalars as the in-process reader', () => {
    expect(sql.size).toBe(600);
    expect(sql.size).toBe(inProcess.size);
    expect([...sql.id]).toEqual([...inProcess.id]);
    expect([...sql.label]).toEqual([...inProcess.label]);
    expect(nanSafe(sql.score)).toEqual(nanSafe(inProcess.score));
    expect(nanSafe(sql.textChars)).toEqual(nanSafe(inProcess.textChars));
    expect(Array.from(sql.truncated)).toEqual(Array.from(inProcess.truncated));
    expect(nanSafe(sql.unknownTokenRatio)).toEqual(nanSafe(inProcess.unknownTokenRatio));
    expect([...sql.textSha256]).toEqual([...inProcess.textSha256]);
    expect(sql.present).toEqual(inProcess.present);
    expect(sql.fields).toEqual(inProcess.fields);
    expect(sql.rejectedRows).toBe(1);
    expect(inProcess.rejectedRows).toBe(1);
  });

  it('sums the embeddings in SQL to the in-process sums', () => {
    expect(sql.dim).toBe(DIM);
    for (let k = 0; k < DIM; k++) expect(sql.embeddingSum[k]).toBeCloseTo(inProcess.embeddingSum[k], 9);
    // DuckDB's list_dot_product adds in float32: a relative error near 1e-9, well inside 1e-6.
    const rel = Math.abs(sql.embeddingSquaredNormSum / inProcess.embeddingSquaredNormSum - 1);
    expect(rel).toBeLessThan(1e-6);
  });

  it('samples every row of a window that fits, in window order, with its text and token ids', () => {
    expect(sql.sample.rows).toBe(inProcess.sample.rows);
    expect(Array.from(sql.sample.index)).toEqual(Array.from(inProcess.sample.index));
    expect(Array.from(sql.sample.vectors)).toEqual(Array.from(inProcess.sample.vectors));
    expect([...sql.sampleText.entries()].sort()).toEqual([...inProcess.sampleText.entries()].sort());
    const tokens = (m: Map<number, Int32Array | null>) =>
      [...m.entries()].map(([k, v]) => [k, v ? Array.from(v) : null]).sort();
    expect(tokens(sql.sampleTokenIds)).toEqual(tokens(inProcess.sampleTokenIds));
  });

  it('keeps a per-segment sample equal to the in-process one', () => {
    const segs = (win: MonitorWindow) =>
      [...win.segmentSamples.language.entries()]
        .map(([v, s]) => [v, Array.from(s.index), Array.from(s.vectors)] as const)
        .sort();
    expect(segs(sql).map(([v]) => v)).toEqual(['de', 'en', 'fr']);
    expect(segs(sql)).toEqual(segs(inProcess));
  });

  it('gives the same findings as the in-process run', async () => {
    const version = { name: MODEL.name, version: 'complete' };
    const reference = windowFromRows(
      makeRecords(400, 9, 0, 2, { nulls: false }).map((r) => ({ ...r, embedding: r.embedding as number[] })),
      1000,
      5,
      load,
    );
    const fromLog = await logWindowSource(completeStore, version).loadWindow(range, load);
    const fromSql = await new SqlWindowSource(engine, version).loadWindow(range, load);
    const config = resolveMonitorConfig({ projectorMaxPoints: 50 });
    const run = (current: MonitorWindow) =>
      runMonitor({
        model: { ...MODEL, labels: LABELS },
        reference,
        referenceKind: 'baseline',
        current,
        window: { start: new Date(range.fromMs).toISOString(), end: new Date(range.toMs).toISOString() },
        now: new Date(range.toMs),
        seed: 1,
        config,
        projector: false,
      }).findings;
    const a = run(fromLog);
    const b = run(fromSql);
    expect(a.length).toBeGreaterThan(10);
    // The drifted embeddings are caught on both paths.
    expect(a.find((f) => f.check === 'embedding_drift.mmd')?.verdict).toBe('alert');
    expect(b.map((f) => [f.check, f.verdict])).toEqual(a.map((f) => [f.check, f.verdict]));
    expect(b.map((f) => f.value)).toEqual(a.map((f) => f.value));
  });
});

describe('with the reference width given (no width query)', () => {
  it('rejects the other-width row and keeps the same sums and scalars', async () => {
    const opts = { ...load, expectDimension: DIM };
    const queries: string[] = [];
    const spy = {
      ...engine,
      query: (q: string) => {
        queries.push(q);
        return engine.query(q);
      },
    };
    const a = await new SqlWindowSource(spy, MODEL).loadWindow(range, opts);
    const b = await logWindowSource(completeStore, MODEL).loadWindow(range, opts);
    expect(queries.some((q) => q.includes('GROUP BY len('))).toBe(false);
    expect(a.rejectedRows).toBe(1);
    expect(b.rejectedRows).toBe(1);
    expect([...a.id]).toEqual([...b.id]);
    for (let k = 0; k < DIM; k++) expect(a.embeddingSum[k]).toBeCloseTo(b.embeddingSum[k], 9);
  });
});

describe('aggregate queries on DuckDB', () => {
  const inWindow = () => {
    const seen = new Set<string>();
    return records.filter((r) => {
      if (seen.has(r.id)) return false;
      seen.add(r.id);
      return r.timestamp.getTime() >= range.fromMs && r.timestamp.getTime() < range.toMs;
    });
  };

  it('counts rows, rates and means as JS does over the same records', async () => {
    const rs = inWindow();
    const r = await engine.query(summaryQuery(w));
    const texts = rs.filter((x) => x.text_chars !== null);
    const scored = rs.filter((x) => x.score !== null);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(r.values.n[0]).toBe(rs.length);
    expect(r.values.with_score[0]).toBe(scored.length);
    expect(r.values.with_text[0]).toBe(texts.length);
    expect(r.values.empty_texts[0]).toBe(rs.filter((x) => x.text_chars === 0).length);
    expect(r.values.truncated[0]).toBe(rs.filter((x) => x.truncated).length);
    expect(r.values.distinct_texts[0]).toBe(new Set(texts.map((x) => x.text_sha256)).size);
    expect(r.values.mean_score[0]).toBeCloseTo(mean(scored.map((x) => x.score as number)), 10);
    expect(r.values.mean_text_chars[0]).toBeCloseTo(mean(texts.map((x) => x.text_chars as number)), 10);
  });

  it('gives label shares, score and length histograms and per-field counts', async () => {
    const rs = inWindow();
    const tally = (keys: (string | number)[]) => {
      const m = new Map<string | number, number>();
      for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
      return m;
    };
    const asMap = (r: { values: Record<string, unknown[]> }, key: string) =>
      new Map(r.values[key].map((k, i) => [k as string | number, r.values.n[i] as number]));

    expect(asMap(await engine.query(labelCountsQuery(w)), 'label')).toEqual(tally(rs.map((x) => x.label)));
    const scores = rs
      .filter((x) => x.score !== null)
      .map((x) => Math.min(Math.floor((x.score as number) * 10), 9));
    expect(asMap(await engine.query(scoreHistogramQuery(w, 10)), 'bin')).toEqual(tally(scores));
    const lengths = rs
      .filter((x) => x.text_chars !== null)
      .map((x) => Math.floor(Math.log2((x.text_chars as number) + 1)));
    expect(asMap(await engine.query(lengthHistogramQuery(w)), 'bin')).toEqual(tally(lengths));
    const langs = asMap(await engine.query(fieldCountsQuery(w, 'language')), 'value');
    const expected = tally(rs.map((x) => (x.fields ? String(x.fields.language) : 'null')));
    expect(langs.get('de')).toBe(expected.get('de'));
    expect(langs.get('fr')).toBe(expected.get('fr'));
    expect(langs.get(null as unknown as string)).toBe(expected.get('null'));
  });

  it('picks the same deterministic sample on a re-run, and another for another seed', async () => {
    // Rows come in no particular order: compare the sets.
    const ids = async (seed: number) =>
      (await engine.query(sampleQuery(w, 20, seed))).values.id.map(String).sort();
    const first = await ids(1);
    expect(first).toHaveLength(20);
    expect(await ids(1)).toEqual(first);
    expect(await ids(2)).not.toEqual(first);
  });
});

describe('a window larger than the sample', () => {
  it('keeps exact sums and a sample of `capacity` distinct window rows', async () => {
    const small = await new SqlWindowSource(engine, MODEL).loadWindow(range, { ...load, capacity: 50 });
    expect(small.sample.rows).toBe(50);
    expect(new Set(small.sample.index).size).toBe(50);
    for (let k = 0; k < DIM; k++) expect(small.embeddingSum[k]).toBeCloseTo(inProcess.embeddingSum[k], 9);
    for (let j = 0; j < 50; j++) {
      const row = small.sample.index[j];
      const rec = records.find((r) => r.id === small.id.get(row));
      expect(Array.from(small.sample.vectors.subarray(j * DIM, (j + 1) * DIM))).toEqual(rec?.embedding);
    }
  });

  it('refuses a model name that is not a partition value (no SQL is built from it)', async () => {
    await expect(
      new SqlWindowSource(engine, { name: "x' OR '1'='1", version: '3' }).loadWindow(range, load),
    ).rejects.toMatchObject({ code: 'INVALID_PARTITION_VALUE' });
  });
});
