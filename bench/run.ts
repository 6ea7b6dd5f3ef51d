/**
 * `npm run bench`: every benchmark in its own child process (so memory numbers are its own), in
 * sequence, then bench/RESULTS.md with the machine, the date and the load average next to each result.
 *
 *   npm run bench [-- --quick] [-- --datasets DIR] [-- --only NAME,NAME] [-- --out FILE]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderSection } from './run/render.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    datasets: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string', default: join(import.meta.dirname, 'RESULTS.md') },
  },
});
const REPO = resolve(import.meta.dirname, '..');
const RUN_TS = join(REPO, 'bin', 'run-ts.mjs');
const quick = args.quick;

interface Step {
  name: string;
  title: string;
  /** What the numbers show and the target they are held to. */
  about: string;
  argv: string[];
  timeoutMs: number;
}

const tmp = await mkdtemp(join(tmpdir(), 'vigil-bench-run-'));
const STEPS: Step[] = [
  {
    name: 'predict',
    title: 'Predict latency, throughput and memory',
    about:
      'Warm handler latency (one text, a batch of 64), cold start (import + load + first prediction), tokenizer throughput, and the RSS of `vigil serve` under load, with the default model (layers/model).',
    argv: [RUN_TS, 'bench/predict.ts', '--requests', quick ? '2000' : '10000'],
    timeoutMs: 300_000,
  },
  {
    name: 'parquet-writers',
    title: 'Logging cost and Parquet writers (vs parquetjs-lite)',
    about:
      'Per-row cost of writing a 768-float prediction record with hyparquet-writer and with parquetjs-lite, and the cost one request adds to log its prediction on local disk.',
    argv: [RUN_TS, 'bench/parquet-writers.ts', quick ? '500' : '2000'],
    timeoutMs: 180_000,
  },
  {
    name: 'compaction',
    title: 'Compaction (vs DuckDB COPY)',
    about:
      'One hour of per-request part files merged into one Parquet file; target within 2x of DuckDB COPY.',
    argv: [RUN_TS, 'bench/compaction.ts', '--records', quick ? '20000' : '100000'],
    timeoutMs: 300_000,
  },
  {
    name: 'log-endpoint',
    title: 'POST /log throughput, memory and the Python client',
    about:
      'A real `vigil serve` logging to local disk takes 768-float records in batches of 200 over HTTP (records/s, target >= 2,000/s; latency of one batch; RSS sampled over the run, target flat over 100,000 records); then the Python client’s added latency per `log()` call with its sender thread posting to the same server (bench/py/client_log_latency.py, target p99 <= 0.1 ms).',
    argv: [
      RUN_TS,
      'bench/log-endpoint.ts',
      '--records',
      quick ? '20000' : '100000',
      '--py-records',
      quick ? '5000' : '20000',
    ],
    timeoutMs: 600_000,
  },
  {
    name: 'monitor-run',
    title: 'Monitoring run at 10k and 100k records',
    about:
      'A whole run (baseline of 5,000 + window, every check, projector, report JSON + HTML) over 768-float records; each size generated in one child process and monitored in a fresh one. Target: 100k <= 20 s, peak RSS <= 1.5 GB.',
    argv: [RUN_TS, 'bench/monitor-run.ts', '--records', quick ? '10000' : '10000,100000'],
    timeoutMs: 420_000,
  },
  {
    name: 'monitor-run-texts',
    title: 'Monitoring run at 100k records with 150-word texts',
    about:
      'The same run with texts like a served model logs them: 150 Zipf-distributed words and 128 token ids a record, 10% of the current texts on a topic of their own (the word test runs every permutation). Target: 100k <= 6 s, peak RSS <= 1 GB (met for short texts; see the round-4 notes).',
    argv: [RUN_TS, 'bench/monitor-run.ts', '--records', quick ? '10000' : '100000', '--text', 'words:150'],
    timeoutMs: 420_000,
  },
  {
    name: 'stats-mmd',
    title: 'MMD at 1000 per side (vs NumPy)',
    about: 'MMD permutation test, 1000 vs 1000 × 768, B=100, next to a plain NumPy implementation.',
    argv: [RUN_TS, 'bench/stats-mmd.ts'],
    timeoutMs: 180_000,
  },
  {
    name: 'stats-methods',
    title: 'Each drift method vs NumPy / SciPy / scikit-learn',
    about:
      'The same data through Vigil’s TypeScript implementation and through the call a Python peer makes (bench/py/stats_methods.py). Statistics agree where the methods are the same; the domain classifiers share an objective (L2 log-loss, C=1) but not an optimiser (fixed Nesterov steps vs lbfgs), so their AUCs differ slightly. The NumPy MMD re-indexes the kernel matrix for each permutation, as alibi-detect-style code does.',
    argv: [RUN_TS, 'bench/stats-methods.ts', '--runs', quick ? '1' : '3', '--out', join(tmp, 'sm.json')],
    timeoutMs: 180_000,
  },
  {
    name: 'detection',
    title: 'Detection power and false-alarm rate (demo corpus)',
    about:
      'Share of monitoring runs that alerted, per shift scenario and size of the current window. "no shift" is the false-alarm rate; everything else is power.',
    argv: [RUN_TS, 'bench/detection.ts', '--trials', quick ? '10' : '50', '--out', join(tmp, 'det.json')],
    timeoutMs: 420_000,
  },
  ...(args.datasets
    ? [
        {
          name: 'detection-datasets',
          title: 'Detection power and false-alarm rate (SST-2 and UCI sentences)',
          about:
            'As above with public datasets read from --datasets (not committed): in-domain = SST-2, new domains = UCI Amazon and Yelp sentences.',
          argv: [
            RUN_TS,
            'bench/detection.ts',
            '--datasets',
            args.datasets,
            '--trials',
            quick ? '10' : '30',
            '--out',
            join(tmp, 'det-ds.json'),
          ],
          timeoutMs: 420_000,
        },
      ]
    : []),
  {
    name: 'demo',
    title: '`vigil demo` wall time',
    about:
      'The whole demo (server, baseline, four phases, a monitoring run after each); target under 2 minutes.',
    argv: [join(REPO, 'bin', 'vigil.mjs'), 'demo', '--data-dir', join(tmp, 'demo')],
    timeoutMs: 180_000,
  },
];

interface StepResult {
  step: Step;
  code: number | null;
  seconds: number;
  stdout: string;
  stderr: string;
  loadBefore: number[];
  loadAfter: number[];
}

function runStep(step: Step): Promise<StepResult> {
  const loadBefore = loadavg();
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, step.argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), step.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({
        step,
        code,
        seconds: (performance.now() - t0) / 1000,
        stdout,
        stderr,
        loadBefore,
        loadAfter: loadavg(),
      });
    });
  });
}

function machine(): string[] {
  let model = cpus()[0]?.model.trim() ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch {
    // Not Linux: os.cpus() has the model too.
  }
  return [
    `- CPU: ${model}, ${cpus().length} logical cores`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${process.platform} ${release()}; Node ${process.version}`,
  ];
}

const only = args.only?.split(',');
const steps = only ? STEPS.filter((s) => only.includes(s.name)) : STEPS;
const started = new Date();
const results: StepResult[] = [];
try {
  for (const step of steps) {
    process.stderr.write(`bench: ${step.name} ...\n`);
    const r = await runStep(step);
    process.stderr.write(
      `bench: ${step.name} ${r.code === 0 ? 'done' : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(0)} s\n`,
    );
    results.push(r);
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}

const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
const md = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${started.toISOString().slice(0, 10)}, ` +
    `started ${started.toISOString()}, ${((Date.now() - started.getTime()) / 60_000).toFixed(1)} minutes in all.`,
  'Each benchmark ran in its own child process, one after another. Other work may have been running on this',
  'machine at the same time, so the load average (1 / 5 / 15 min) is recorded before and after each one.',
  '',
  '## Machine',
  '',
  ...machine(),
  '',
  ...results.flatMap((r) => [
    `## ${r.step.title}`,
    '',
    r.step.about,
    '',
    `\`node ${r.step.argv.map((a) => a.replace(`${REPO}/`, '').replace(tmp, '$TMP')).join(' ')}\` — ` +
      `${r.seconds.toFixed(0)} s, load average ${load(r.loadBefore)} before, ${load(r.loadAfter)} after.`,
    '',
    ...(r.code === 0
      ? renderSection(r.step.name, r.stdout, r.seconds)
      : [
          `**Failed** (exit ${r.code}${r.seconds * 1000 >= r.step.timeoutMs ? ', timed out' : ''}):`,
          '',
          '```',
          r.stderr.trim().split('\n').slice(-15).join('\n'),
          '```',
        ]),
    '',
  ]),
].join('\n');
await writeFile(args.out, `${md}\n`);
process.stderr.write(`bench: wrote ${args.out}\n`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
