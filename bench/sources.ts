/**
 * Connected sources at scale: a monitoring run whose current window holds N rows × 384 floats read
 * in place from Parquet (DuckDB) and from Postgres (pg-cursor), wall time and peak RSS, next to the
 * raw read of the same rows as the floor (a DuckDB scan; `COPY … TO STDOUT` through psql). Each
 * measurement runs in its own child process so its peak RSS is its own.
 *
 *   node bin/run-ts.mjs bench/sources.ts [--rows 250000,1000000] [--kinds parquet,postgres] [--out FILE]
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const DIM = 384;
const START_MS = Date.parse('2026-12-01T00:00:00.000Z');
/** Rows are 50 ms apart: the first N rows are the window [START, START + N × 50 ms). */
const STEP_MS = 50;
const LABELS = ['negative', 'neutral', 'positive'];
const REPO = resolve(import.meta.dirname, '..');
const RUN_TS = join(REPO, 'bin', 'run-ts.mjs');

const { values: args } = parseArgs({
  options: {
    child: { type: 'string' },
    kind: { type: 'string' },
    rows: { type: 'string', default: '250000,1000000' },
    kinds: { type: 'string', default: 'parquet,postgres' },
    dir: { type: 'string' },
    url: { type: 'string' },
    out: { type: 'string', default: join(import.meta.dirname, 'sources.results.json') },
  },
});

const windowOf = (rows: number) => ({ fromMs: START_MS, toMs: START_MS + rows * STEP_MS });

function modelBody(source: Record<string, unknown>) {
  return { labels: LABELS, embedding_dim: DIM, text: true, score: true, source };
}

const COLUMNS = {
  id: 'id',
  timestamp: 'ts',
  label: 'label',
  embedding: 'embedding',
  text: 'text',
  score: 'score',
};

/** Child: one monitoring run over the first `rows` rows; prints {wallMs, maxRssMb, size}. */
async function childRun(kind: string, rows: number, dir: string, url: string | undefined): Promise<void> {
  const { createLocalStore } = await import('../functions/adapters/local-store.ts');
  const { connectedSourceFor } = await import('../functions/adapters/connected-source.ts');
  const { parseModelVersion } = await import('../functions/lib/models/model-version.ts');
  const { validateSourceSpec } = await import('../functions/lib/sources/spec.ts');
  const { runMonitorJobWithSource } = await import('../functions/lib/sources/monitor-run.ts');
  const source =
    kind === 'parquet'
      ? { type: 'parquet', uri: join(dir, 'dataset'), layout: 'flat', columns: COLUMNS }
      : { type: 'postgres', connection: { env: 'BENCH_PG_URL' }, table: 'public.preds', columns: COLUMNS };
  const model = parseModelVersion(modelBody(source), {
    name: 'bench',
    version: '1',
    now: new Date(START_MS),
    validateSource: validateSourceSpec,
  });
  const store = createLocalStore(join(dir, `vigil-${kind}-${rows}`));
  await store.putObject('baselines/model=bench/version=1/reference.parquet', await baselineBytes());
  const w = windowOf(rows);
  const t0 = performance.now();
  const { report } = await runMonitorJobWithSource(
    {
      store,
      model: { name: 'bench', version: '1', labels: [] },
      modelVersion: model,
      now: new Date(w.toMs),
      windowMs: w.toMs - w.fromMs,
      seed: 0,
    },
    { sourceFor: (m) => connectedSourceFor(m, { env: { BENCH_PG_URL: url } }) },
  );
  const wallMs = performance.now() - t0;
  const mmd = report.findings.find((f) => f.check === 'embedding_drift.mmd');
  console.log(
    JSON.stringify({
      wallMs,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      size: mmd?.currentSize ?? null,
      findings: report.findings.length,
    }),
  );
}

/** 2000 reference rows as a Vigil baseline (the run compares the window against it). */
async function baselineBytes(): Promise<Uint8Array> {
  const { encodePredictions } = await import('../functions/lib/records/parquet.ts');
  const { createRng } = await import('../functions/lib/stats/rng.ts');
  const rng = createRng(7);
  const records = Array.from({ length: 2000 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    timestamp: new Date(START_MS - 86_400_000 + i * 1000),
    model_name: 'bench',
    model_version: '1',
    text: `text number ${i}`,
    text_sha256: null,
    text_chars: 14,
    token_count: null,
    truncated: null,
    unknown_token_ratio: null,
    label: LABELS[i % 3],
    score: rng.random(),
    probabilities: [],
    embedding: Float32Array.from({ length: DIM }, () => rng.random() - 0.5),
    latency_ms: null,
    request_id: 'bench',
    fields: null,
    token_ids: null,
  }));
  return encodePredictions(records);
}

/** Child: the raw read of the same rows. */
async function childFloor(kind: string, rows: number, dir: string, url: string | undefined): Promise<void> {
  const w = windowOf(rows);
  const t0 = performance.now();
  let checked = 0;
  if (kind === 'parquet') {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { ALLOCATOR_FLUSH } = await import('../functions/adapters/duckdb-settings.ts');
    // The Parquet source's own settings (parquet-source.ts).
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: '512MB',
      threads: '1',
      ...ALLOCATOR_FLUSH,
    });
    const con = await instance.connect();
    const r = await con.runAndReadAll(
      `SELECT count(*)::DOUBLE, sum(list_sum(embedding))::DOUBLE, sum(length(text))::DOUBLE FROM read_parquet('${join(dir, 'dataset')}/*.parquet')
       WHERE ts >= make_timestamp(${w.fromMs * 1000}::BIGINT) AND ts < make_timestamp(${w.toMs * 1000}::BIGINT)`,
    );
    checked = Number(r.getRows()[0][0]);
    con.closeSync();
    instance.closeSync();
  } else {
    const u = new URL(url as string);
    const sql = `COPY (SELECT id, ts, label, score, text, embedding FROM public.preds WHERE ts >= to_timestamp(${w.fromMs / 1000}) AND ts < to_timestamp(${w.toMs / 1000})) TO STDOUT`;
    checked = await new Promise<number>((res, rej) => {
      const p = spawn(
        'psql',
        ['-h', u.hostname, '-p', u.port, '-U', u.username, '-d', u.pathname.slice(1), '-c', sql],
        {
          env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let lines = 0;
      p.stdout.on('data', (b: Buffer) => {
        for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++;
      });
      p.on('error', rej);
      p.on('close', (code) => (code === 0 ? res(lines) : rej(new Error(`psql exited ${code}`))));
    });
  }
  console.log(
    JSON.stringify({
      wallMs: performance.now() - t0,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      size: checked,
    }),
  );
}

async function child(argv: string[]): Promise<{ wallMs: number; maxRssMb: number; size: number | null }> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [RUN_TS, 'bench/sources.ts', ...argv], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b) => {
      out += b;
    });
    p.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) rej(new Error(`child ${argv.join(' ')} exited ${code}: ${out}`));
      else res(JSON.parse(line));
    });
  });
}

async function prepareParquet(dir: string, rows: number): Promise<number> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  await mkdir(join(dir, 'dataset'), { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '1GB' });
  const con = await instance.connect();
  const t0 = performance.now();
  const per = 250_000;
  for (let part = 0; part * per < rows; part++) {
    const from = part * per;
    const to = Math.min(rows, from + per);
    await con.run(
      `COPY (SELECT printf('%08d', i) AS id, make_timestamp((${START_MS} + i * ${STEP_MS}) * 1000) AS ts,
        ['negative','neutral','positive'][1 + (i % 3)::INTEGER] AS label, random() AS score, 'text number ' || i AS text,
        list_transform(range(${DIM}), x -> (random() - 0.5)::FLOAT) AS embedding
        FROM range(${from}, ${to}) t(i) ORDER BY i)
       TO '${join(dir, 'dataset', `part-${String(part).padStart(3, '0')}.parquet`)}' (FORMAT parquet, ROW_GROUP_SIZE 50000)`,
    );
  }
  con.closeSync();
  instance.closeSync();
  return performance.now() - t0;
}

async function preparePostgres(url: string, rows: number, from: number): Promise<number> {
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const t0 = performance.now();
  if (from === 0)
    await c.query(
      'CREATE TABLE preds (id text, ts timestamptz, label text, score float8, text text, embedding real[])',
    );
  const batch = 50_000;
  for (let i = from; i < rows; i += batch) {
    const to = Math.min(rows, i + batch);
    await c.query(
      `INSERT INTO preds SELECT lpad(g::text, 8, '0'), to_timestamp((${START_MS} + g * ${STEP_MS}) / 1000.0),
        (ARRAY['negative','neutral','positive'])[1 + g % 3], random(), 'text number ' || g,
        (SELECT array_agg((random() - 0.5)::real) FROM generate_series(1, ${DIM}) WHERE g >= 0)
       FROM generate_series(${i}, ${to - 1}) g`,
    );
    process.stderr.write(`postgres: ${to} rows loaded\n`);
  }
  if (from === 0) await c.query('CREATE INDEX ON preds (ts)');
  await c.query('VACUUM ANALYZE preds');
  await c.end();
  return performance.now() - t0;
}

if (args.child === 'run')
  await childRun(args.kind as string, Number(args.rows), args.dir as string, args.url);
else if (args.child === 'floor')
  await childFloor(args.kind as string, Number(args.rows), args.dir as string, args.url);
else {
  const sizes = (args.rows as string)
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  const kinds = (args.kinds as string).split(',');
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-sources-'));
  const results: Record<string, unknown>[] = [];
  const machine = {
    cpu: `${cpus()[0]?.model ?? '?'} × ${cpus().length}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
    loadBefore: loadavg()
      .map((l) => l.toFixed(2))
      .join(' / '),
  };
  const save = () => writeFile(args.out as string, `${JSON.stringify({ machine, results }, null, 2)}\n`);
  let server: { url: string; stop(): Promise<void> } | null = null;
  try {
    if (kinds.includes('parquet')) {
      const prepMs = await prepareParquet(dir, sizes.at(-1) as number);
      process.stderr.write(`parquet: ${sizes.at(-1)} rows written in ${(prepMs / 1000).toFixed(0)} s\n`);
      for (const rows of sizes) {
        const base = ['--kind', 'parquet', '--rows', String(rows), '--dir', dir];
        const run = await child(['--child', 'run', ...base]);
        const floor = await child(['--child', 'floor', ...base]);
        results.push({
          kind: 'parquet',
          rows,
          prepareMs: prepMs,
          run,
          floor,
          load: loadavg()
            .map((l) => l.toFixed(2))
            .join(' / '),
        });
        await save();
        process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
      }
    }
    if (kinds.includes('postgres')) {
      const { startLocalPostgres } = await import('../test/integration/postgres-server.ts');
      server = await startLocalPostgres();
      let loaded = 0;
      for (const rows of sizes) {
        const prepMs = await preparePostgres(server.url, rows, loaded);
        loaded = rows;
        const base = ['--kind', 'postgres', '--rows', String(rows), '--dir', dir, '--url', server.url];
        const run = await child(['--child', 'run', ...base]);
        const floor = await child(['--child', 'floor', ...base]);
        results.push({
          kind: 'postgres',
          rows,
          prepareMs: prepMs,
          run,
          floor,
          load: loadavg()
            .map((l) => l.toFixed(2))
            .join(' / '),
        });
        await save();
        process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
      }
    }
  } finally {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    await save();
  }
}
