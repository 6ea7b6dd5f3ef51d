/**
 * POST /log on localhost (issue 11, "Bench"): 768-dimension records in batches of 200 through a real
 * `vigil serve` writing its log to local disk — records/s (target >= 2,000/s), latency of one batch,
 * and the server's RSS sampled over the run (target: flat over 100,000 records); then the Python
 * client's added latency per log() call (bench/py/client_log_latency.py; target p99 <= 0.1 ms).
 *
 *   node bin/run-ts.mjs bench/log-endpoint.ts [--records 100000] [--batch 200] [--concurrency 1]
 *                                             [--py-records 20000] [--out FILE.json]
 *
 * Prints a Markdown table (bench/RESULTS.md takes it as printed) and writes the numbers as JSON to --out.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';

const REPO = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '1' },
    'py-records': { type: 'string', default: '20000' },
    out: { type: 'string' },
  },
});
const RECORDS = Number(args.records);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const DIM = 768;
const LABELS = ['negative', 'neutral', 'positive'];
const LANGUAGES = ['en', 'de', 'fr'];
const MODEL = { name: 'bench-log', version: '1' };

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function rssMb(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024;
}

/** User + system CPU seconds the process has used (clock ticks of /proc/<pid>/stat, 100 per second). */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startServe(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(REPO, 'bin/vigil.mjs'), 'serve', '--port', '0', '--data-dir', dataDir],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  const url = await new Promise<string>((ok, fail) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1]);
      // Keep only the tail: one line per request would otherwise grow without bound.
      if (out.length > 4096) out = out.slice(-1024);
    });
    child.once('exit', (code) => fail(new Error(`vigil serve exited with ${code}`)));
  });
  return { child, url };
}

/** 400 distinct float32-valued embeddings (normal, as real ones) as JSON text, reused under fresh ids. */
function embeddingPool(): string[] {
  const normal = () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  return Array.from({ length: 400 }, () =>
    JSON.stringify(Array.from(Float32Array.from({ length: DIM }, normal))),
  );
}

function batchBody(pool: string[], first: number, size: number, nowMs: number): string {
  const records: string[] = [];
  for (let i = first; i < first + size; i++) {
    records.push(
      `{"id":"${randomUUID()}","timestamp":${nowMs - 60_000 + (i % 60_000)},"embedding":${pool[i % pool.length]},` +
        `"label":"${LABELS[i % 3]}","score":0.9,"fields":{"language":"${LANGUAGES[i % 3]}"}}`,
    );
  }
  return `{"model":${JSON.stringify(MODEL)},"records":[${records.join(',')}]}`;
}

async function dirBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const e of entries) if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  return total;
}

const root = await mkdtemp(join(tmpdir(), 'vigil-bench-log-'));
const dataDir = join(root, 'data');
const { child, url } = await startServe(dataDir);
const pid = child.pid as number;
try {
  const put = await fetch(`${url}/models/${MODEL.name}/versions/${MODEL.version}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      labels: LABELS,
      embedding_dim: DIM,
      text: false,
      score: true,
      fields: [{ name: 'language', type: 'string', segment: true }],
    }),
  });
  if (!put.ok) throw new Error(`PUT model version: ${put.status} ${await put.text()}`);
  const pool = embeddingPool();
  const batches = Math.ceil(RECORDS / BATCH);
  const sampleEvery = Math.max(1, Math.floor(batches / 20));
  const samples: { records: number; rssMb: number }[] = [{ records: 0, rssMb: round(await rssMb(pid)) }];
  const latencies: number[] = [];
  let next = 0;
  let sent = 0;
  let bodyBytes = 0;
  const cpuBefore = await cpuSeconds(pid);
  const started = performance.now();
  const worker = async () => {
    for (let b = next++; b < batches; b = next++) {
      const size = Math.min(BATCH, RECORDS - b * BATCH);
      const body = batchBody(pool, b * BATCH, size, Date.now());
      bodyBytes += body.length;
      const t0 = performance.now();
      const res = await fetch(`${url}/log`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const answer = (await res.json()) as { accepted?: number };
      latencies.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`POST /log answered ${res.status}: ${JSON.stringify(answer)}`);
      sent += answer.accepted ?? 0;
      if ((b + 1) % sampleEvery === 0) samples.push({ records: sent, rssMb: round(await rssMb(pid)) });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const serverCpu = (await cpuSeconds(pid)) - cpuBefore;
  samples.push({ records: sent, rssMb: round(await rssMb(pid)) });
  const sorted = [...latencies].sort((a, b) => a - b);
  const afterWarmup = samples[Math.min(2, samples.length - 1)].rssMb;
  const server = {
    records: sent,
    batch: BATCH,
    dim: DIM,
    concurrency: CONCURRENCY,
    seconds: round(seconds, 2),
    recordsPerSecond: Math.round(sent / seconds),
    // What one core of the server does when it has the core to itself: load-independent capacity.
    serverCpuSeconds: round(serverCpu, 1),
    recordsPerServerCpuSecond: Math.round(sent / serverCpu),
    batchMs: {
      p50: round(quantile(sorted, 0.5)),
      p99: round(quantile(sorted, 0.99)),
      max: round(sorted.at(-1) ?? 0),
    },
    requestMbAverage: round(bodyBytes / batches / 2 ** 20, 2),
    logBytesPerRecord: Math.round((await dirBytes(join(dataDir, 'predictions'))) / sent),
    rss: {
      samples,
      first: samples[0].rssMb,
      afterWarmup,
      last: samples.at(-1)?.rssMb,
      max: Math.max(...samples.map((s) => s.rssMb)),
    },
  };

  // The Python client against the same server: its sender thread really posts while log() is timed.
  const py = await promisify(execFile)(
    'python3',
    [join(REPO, 'bench/py/client_log_latency.py'), url, '--records', String(args['py-records'])],
    { maxBuffer: 1 << 24 },
  ).then(
    (r) => JSON.parse(r.stdout) as Record<string, Record<string, number>>,
    (e: Error) => ({ error: { message: e.message } }) as unknown as Record<string, Record<string, number>>,
  );
  const result = { server, pythonClient: py };
  if (args.out) await writeFile(args.out, `${JSON.stringify(result, null, 2)}\n`);
  const ms = (x: number | undefined) => (x === undefined ? '-' : `${round(x, 3)} ms`);
  const lines = [
    `| measure (${sent} records × ${DIM} floats, batches of ${BATCH}, ${CONCURRENCY} in flight) | result | target |`,
    '|---|---:|---|',
    `| POST /log throughput, logging to local disk | ${server.recordsPerSecond} records/s | >= 2,000/s |`,
    `| server CPU used (user + system) | ${server.serverCpuSeconds} s = ${server.recordsPerServerCpuSecond} records per CPU-second | - |`,
    `| one batch of ${BATCH} (${server.requestMbAverage} MB of JSON), p50 / p99 / max | ${server.batchMs.p50} / ${server.batchMs.p99} / ${server.batchMs.max} ms | - |`,
    `| server RSS: start / after ${samples[Math.min(2, samples.length - 1)].records} records / end / max | ${server.rss.first} / ${afterWarmup} / ${server.rss.last} / ${server.rss.max} MB | flat |`,
    `| log size | ${server.logBytesPerRecord} bytes per record (one Parquet part per batch) | - |`,
  ];
  if ('error' in py) lines.push(`| Python client | failed: ${py.error.message} | - |`);
  else
    lines.push(
      `| Python ${py.python} client, log() back to back (n=${py.tight.n}): p50 / p99 / p99.9 | ${ms(py.tight.p50_ms)} / ${ms(py.tight.p99_ms)} / ${ms(py.tight.p999_ms)} | p99 <= 0.1 ms |`,
      `| log() after each simulated predict (0.5 ms sleep, n=${py.paced.n}): p50 / p99 / p99.9 | ${ms(py.paced.p50_ms)} / ${ms(py.paced.p99_ms)} / ${ms(py.paced.p999_ms)} | p99 <= 0.1 ms |`,
      `| whole predict-loop iteration, with vs without log(): added p50 / p99 | ${ms(py.paced_iteration_overhead_ms.p50)} / ${ms(py.paced_iteration_overhead_ms.p99)} | - |`,
      `| Python client counters | sent ${py.client.sent}, dropped ${py.client.dropped}, failed ${py.client.failed} | - |`,
    );
  console.log(lines.join('\n'));
  console.log(`\nRSS samples (records: MB): ${samples.map((s) => `${s.records}: ${s.rssMb}`).join(', ')}`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(root, { recursive: true, force: true });
}
