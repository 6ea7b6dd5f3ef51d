import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../functions/adapters/local-store.ts';
import { makeActuals, makePredictions } from '../unit/records/make-records.ts';

let dir: string;
const START = Date.parse('2026-06-30T22:30:00Z');

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-duckdb-'));
  const store = createLocalStore(dir);
  const a = makePredictions({
    n: 40,
    startMs: START,
    stepMs: 5 * 60_000,
    model: 'sst2-default',
    version: '1',
    textNullEvery: 5,
  });
  const b = makePredictions({
    n: 10,
    startMs: START,
    stepMs: 60_000,
    model: 'other-model',
    version: '2.0',
    seed: 4,
  });
  for (let i = 0; i < a.length; i += 4) await store.putPredictions(a.slice(i, i + 4));
  await store.putPredictions(b);
  await store.putActuals(makeActuals(a.slice(0, 7), 3_600_000), 'sst2-default');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the log as DuckDB reads it (Hive partitions, no schema given)', () => {
  it('sees every column with its type, plus the partition columns', async () => {
    const rows = await query(
      `DESCRIBE SELECT * FROM read_parquet('${dir}/predictions/**/*.parquet', hive_partitioning = true)`,
    );
    const types = Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
    expect(types).toEqual({
      id: 'VARCHAR',
      timestamp: 'TIMESTAMP',
      model_name: 'VARCHAR',
      model_version: 'VARCHAR',
      text: 'VARCHAR',
      text_sha256: 'VARCHAR',
      text_chars: 'INTEGER',
      token_count: 'INTEGER',
      truncated: 'BOOLEAN',
      unknown_token_ratio: 'DOUBLE',
      label: 'VARCHAR',
      score: 'DOUBLE',
      probabilities: 'FLOAT[]',
      embedding: 'FLOAT[]',
      latency_ms: 'DOUBLE',
      request_id: 'VARCHAR',
      fields: 'VARCHAR',
      token_ids: 'INTEGER[]',
      model: 'VARCHAR',
      version: 'VARCHAR',
      date: 'DATE',
      // DuckDB's autocast keeps a zero-padded value ('05') as text; hive_types = {hour: INT} casts it.
      hour: 'VARCHAR',
    });
  });

  it('counts every record once and agrees with the partition values', async () => {
    const [row] = await query(
      `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS ids, count(*) FILTER (WHERE text IS NULL)::INT AS null_text,
              count(*) FILTER (WHERE model <> model_name OR version <> model_version
                OR date <> "timestamp"::DATE OR hour <> hour("timestamp"))::INT AS misplaced,
              max(len(embedding))::INT AS dim
       FROM read_parquet('${dir}/predictions/**/*.parquet', hive_partitioning = true)`,
    );
    expect(row).toEqual({ n: 50, ids: 50, null_text: 8, misplaced: 0, dim: 8 });
  });

  it('filters by partition and reads actuals with their types', async () => {
    const [p] = await query(
      `SELECT count(*)::INT AS n FROM read_parquet('${dir}/predictions/**/*.parquet', hive_partitioning = true)
       WHERE model = 'sst2-default' AND date = DATE '2026-07-01'`,
    );
    const expected = makePredictions({ n: 40, startMs: START, stepMs: 5 * 60_000 }).filter((r) =>
      r.timestamp.toISOString().startsWith('2026-07-01'),
    ).length;
    expect(p.n).toBe(expected);
    const types = await query(
      `DESCRIBE SELECT * FROM read_parquet('${dir}/actuals/**/*.parquet', hive_partitioning = true)`,
    );
    expect(Object.fromEntries(types.map((r) => [r.column_name, r.column_type]))).toEqual({
      id: 'VARCHAR',
      timestamp: 'TIMESTAMP',
      label: 'VARCHAR',
      model: 'VARCHAR',
      date: 'DATE',
    });
  });
});
