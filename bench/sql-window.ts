/**
 * A monitoring run through the SQL engine on DuckDB over files as Firehose would leave them: hour
 * partitions of Parquet files of up to ~128 MB (41,000 records of 768 floats), 24 hours of traffic.
 * The whole job runs (baseline, every check, report JSON); the window's embeddings are summed and
 * sampled in SQL, so only the scalar columns and the sample reach this process.
 * Targets: 2,000,000 x 768 in <= 60 s and <= 2 GB peak RSS; time growing linearly with N.
 * Data is written with DuckDB SQL into a temp dir (about 3.1 KB a record on disk) and deleted after.
 * Run: node bin/run-ts.mjs bench/sql-window.ts [--records 200000,2000000] [--dim 768] [--memory-limit 1GB]
 * (`--child monitor --dir D` runs the monitoring job on an already generated directory.)
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbEngineOverFiles } from '../functions/adapters/duckdb-engine.ts';
import { createLocalStore } from '../functions/adapters/local-store.ts';
import { runMonitorJob } from '../functions/lib/monitor/job.ts';
import { baselineKey } from '../functions/lib/monitor/keys.ts';
import type { QueryResult } from '../functions/lib/query/port.ts';
import { SqlWindowSource } from '../functions/lib/query/sql-window-source.ts';
import { encodePredictions } from '../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../functions/lib/records/schema.ts';
import { createRng } from '../functions/lib/stats/rng.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000,2000000' },
    dim: { type: 'string', default: '768' },
    'per-file': { type: 'string', default: '41000' },
    baseline: { type: 'string', default: '2000' },
    child: { type: 'string' },
    dir: { type: 'string' },
    n: { type: 'string' },
    out: { type: 'string', default: 'bench/sql-window.results.json' },
    /** DuckDB's memory_limit for the monitoring child; empty: DuckDB's default (80% of RAM). */
    'memory-limit': { type: 'string', default: '' },
  },
});

const MODEL = { name: 'bench', version: '1' };
const DAY_START = Date.UTC(2026, 11, 1, 0, 0, 0);
const NOW = new Date(DAY_START + 24 * 3_600_000);
const dim = Number(args.dim);

/** Writes N records over 24 hour partitions, each hour split into files of at most `perFile` records. */
async function generate(dir: string, n: number): Promise<{ files: number; seconds: number }> {
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const perFile = Number(args['per-file']);
  const perHour = Math.ceil(n / 24);
  let files = 0;
  for (let h = 0; h < 24; h++) {
    const first = h * perHour;
    const last = Math.min(n, first + perHour);
    for (let start = first; start < last; start += perFile) {
      const end = Math.min(last, start + perFile);
      const date = '2026-12-01';
      const hour = String(h).padStart(2, '0');
      const partition = join(
        dir,
        'predictions',
        `model=${MODEL.name}`,
        `version=${MODEL.version}`,
        `date=${date}`,
        `hour=${hour}`,
      );
      await mkdir(partition, { recursive: true });
      const file = join(partition, `firehose-${files}.parquet`);
      // Timestamps spread evenly over the hour; scores, lengths and labels vary by row.
      await con.run(`COPY (SELECT
          'b' || lpad(i::VARCHAR, 12, '0') AS id,
          (TIMESTAMP '2026-12-01 ${hour}:00:00' + to_milliseconds(((i - ${first}) * 3600000) // ${perHour}))::TIMESTAMP_MS AS "timestamp",
          '${MODEL.name}' AS model_name, '${MODEL.version}' AS model_version,
          NULL::VARCHAR AS text, md5(i::VARCHAR) AS text_sha256,
          (i % 200)::INTEGER AS text_chars, ((i % 200) // 4)::INTEGER AS token_count, (i % 200) > 150 AS truncated,
          ((i % 10) / 100.0)::DOUBLE AS unknown_token_ratio,
          CASE WHEN i % 3 = 0 THEN 'negative' ELSE 'positive' END AS label,
          (0.5 + (hash(i) % 1000) / 2000.0)::DOUBLE AS score,
          []::FLOAT[] AS probabilities,
          [random()::FLOAT FOR x IN range(${dim})] AS embedding,
          2.0::DOUBLE AS latency_ms, 'r' || i AS request_id,
          '{"language":"' || (CASE WHEN i % 4 = 0 THEN 'de' ELSE 'en' END) || '"}' AS fields,
          NULL::INTEGER[] AS token_ids
        FROM range(${start}, ${end}) t(i)) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`);
      files++;
    }
  }
  con.closeSync();
  instance.closeSync();

  // A baseline of the same distribution, written by Vigil's own encoder.
  const rng = createRng(11);
  const recs: PredictionRecord[] = Array.from({ length: Number(args.baseline) }, (_, i) => ({
    id: `ref-${i}`,
    timestamp: new Date(DAY_START - 86_400_000 + i),
    model_name: MODEL.name,
    model_version: MODEL.version,
    text: null,
    text_sha256: `${i}`,
    text_chars: i % 200,
    token_count: Math.floor((i % 200) / 4),
    truncated: i % 200 > 150,
    unknown_token_ratio: (i % 10) / 100,
    label: i % 3 === 0 ? 'negative' : 'positive',
    score: 0.5 + rng.random() / 2,
    probabilities: [],
    embedding: Array.from({ length: dim }, () => rng.random()),
    latency_ms: 2,
    request_id: 'r',
    fields: { language: i % 4 === 0 ? 'de' : 'en' },
    token_ids: null,
  }));
  await createLocalStore(dir).putObject(baselineKey(MODEL.name, MODEL.version), encodePredictions(recs));
  return { files, seconds: (performance.now() - t0) / 1000 };
}

async function monitor(dir: string): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const stages: Record<string, number> = {};
  const duck = await createDuckDbEngineOverFiles(dir, { memoryLimit: args['memory-limit'] || undefined });
  // Each statement timed, named by what it selects (the SQL layer's builders, in order).
  const queries: { sql: string; ms: number }[] = [];
  const timed = async <T>(sql: string, run: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await run();
    queries.push({
      sql: sql.slice(sql.lastIndexOf(' SELECT ') + 1, sql.lastIndexOf(' SELECT ') + 61),
      ms: Math.round(performance.now() - t),
    });
    return out;
  };
  const engine = {
    ...duck,
    query: (sql: string) => timed(sql, () => duck.query(sql)),
    stream: (sql: string, on: (chunk: QueryResult) => void) =>
      timed(sql, () => (duck.stream as NonNullable<typeof duck.stream>)(sql, on)),
  };
  try {
    const { report } = await runMonitorJob({
      store: createLocalStore(dir),
      model: { ...MODEL, labels: ['negative', 'positive'] },
      now: NOW,
      modelVersion: {
        name: MODEL.name,
        version: MODEL.version,
        labels: ['negative', 'positive'],
        embedding_dim: dim,
        text: true,
        score: true,
        probabilities: false,
        fields: [{ name: 'language', type: 'string', segment: true }],
        monitors: {},
        source: null,
        origin: 'logged',
        created_at: '2026-12-01T00:00:00.000Z',
      } as never,
      source: new SqlWindowSource(engine, MODEL),
      timing: { now: () => performance.now(), report: (s, ms) => (stages[s] = Math.round(ms)) },
    });
    return {
      seconds: (performance.now() - t0) / 1000,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      windowSize: report.distributions.labels.current.reduce((a, b) => a + b, 0),
      findings: report.findings.length,
      worst: report.summary.worst,
      stages,
      queries,
    };
  } finally {
    await duck.close();
  }
}

async function main(): Promise<void> {
  if (args.child === 'generate') {
    console.log(JSON.stringify(await generate(args.dir as string, Number(args.n))));
    return;
  }
  if (args.child === 'monitor') {
    console.log(JSON.stringify(await monitor(args.dir as string)));
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const runTs = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));
  const child = (extra: string[]) => {
    const r = spawnSync(process.execPath, [runTs, self, ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() as string);
  };
  const results = [];
  for (const n of String(args.records).split(',').map(Number)) {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-sql-'));
    try {
      const gen = child(['--child', 'generate', '--dir', dir, '--n', String(n), '--dim', String(dim)]);
      const du = spawnSync('du', ['-sb', join(dir, 'predictions')], { encoding: 'utf8' }).stdout.split(
        '\t',
      )[0];
      const run = child([
        '--child',
        'monitor',
        '--dir',
        dir,
        '--dim',
        String(dim),
        '--memory-limit',
        args['memory-limit'] as string,
      ]);
      const row = {
        records: n,
        dim,
        files: gen.files,
        bytes: Number(du),
        generateSeconds: gen.seconds,
        ...run,
      };
      console.log(JSON.stringify(row));
      results.push(row);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  await writeFile(
    args.out as string,
    `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`,
  );
}

await main();
