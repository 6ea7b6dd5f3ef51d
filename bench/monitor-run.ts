/**
 * A whole monitoring run (load baseline + 24 h window, every check, projector, report JSON + HTML) over
 * N logged records with 768-float embeddings. Target: 100k records <= 6 s with every check (novelty,
 * characteristic words and the label-mix MMD included), peak RSS <= 1 GB.
 * Each size is generated in one child process and monitored in a fresh one, whose peak RSS is measured.
 * How it scales: decoding and the streaming sums (centroids, counts, rates) are O(N * dim) time and
 * O(N) memory for the scalar columns (~100 bytes a record); embeddings are never held beyond one decoded
 * part file plus a fixed reservoir sample (1000 per window), so MMD (500/side), the domain classifier
 * (300/side) and the projector (2000 points) cost the same at 10k or 10M records.
 * The projector's layout (PCA, UMAP, HDBSCAN) runs on a worker thread beside the checks: stage `checks`
 * ends with the checks, stage `projector` is what the run still waited for the layout after them.
 * Run: node bin/run-ts.mjs bench/monitor-run.ts [--records 10000,100000] [--dim 768] [--source duckdb|log]
 * (`--child monitor --dir D` monitors an already generated directory.)
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { duckDbWindowSource } from '../functions/adapters/duckdb-window-source.ts';
import { createLocalStore } from '../functions/adapters/local-store.ts';
import { loadReportAssets } from '../functions/adapters/report-assets.ts';
import { runMonitorJob } from '../functions/lib/monitor/job.ts';
import { baselineKey } from '../functions/lib/monitor/keys.ts';
import { encodePredictions } from '../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../functions/lib/records/schema.ts';
import { createRng } from '../functions/lib/stats/rng.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '10000,100000' },
    dim: { type: 'string', default: '768' },
    baseline: { type: 'string', default: '5000' },
    'per-file': { type: 'string', default: '1000' },
    child: { type: 'string' },
    dir: { type: 'string' },
    n: { type: 'string' },
    /** `duckdb` scans part files natively (functions/adapters/duckdb-window-source.ts); `log` decodes them in JS. */
    source: { type: 'string', default: 'duckdb' },
    /**
     * Texts of the records: `short` ("record 1 5 www", no token ids: the cost of the numeric checks
     * alone), or `words:N` — N Zipf-distributed words from a 20,000-word vocabulary with one token id
     * per word (cut at 128, as a served model logs them), and in the current window 10% of texts on a
     * topic of their own, so the word tests find drift and run every permutation (their worst case).
     */
    text: { type: 'string', default: 'short' },
  },
});
const DIM = Number(args.dim);
const NOW = new Date('2026-03-02T00:00:00.000Z');
const MODEL = { name: 'bench', version: '1', labels: ['NEGATIVE', 'POSITIVE'] };
const SELF = fileURLToPath(import.meta.url);
const TEXT_WORDS =
  args.text === 'short' ? 0 : Number(/^words:(\d+)$/.exec(args.text as string)?.[1] ?? Number.NaN);
if (!(TEXT_WORDS >= 0)) throw new Error(`--text: short or words:N, not ${args.text}`);
const VOCABULARY = 20_000;
const MAX_TOKENS = 128;
/** Cumulative Zipf (s = 1.07) weights of the vocabulary, for inverse-CDF draws. */
const ZIPF = (() => {
  const c = new Float64Array(VOCABULARY);
  let s = 0;
  for (let r = 0; r < VOCABULARY; r++) c[r] = s += 1 / (r + 1) ** 1.07;
  for (let r = 0; r < VOCABULARY; r++) c[r] /= s;
  return c;
})();
function zipfRank(u: number): number {
  let lo = 0;
  let hi = VOCABULARY - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** `TEXT_WORDS` words (ranks); a text on the new topic takes every third word from its own 200 words. */
function syntheticText(random: () => number, newTopic: boolean): { text: string; ids: number[] } {
  const ids: number[] = [];
  for (let k = 0; k < TEXT_WORDS; k++) {
    ids.push(newTopic && k % 3 === 0 ? VOCABULARY + Math.floor(random() * 200) : zipfRank(random()));
  }
  return { text: ids.map((r) => `w${r.toString(36)}`).join(' '), ids };
}

function records(
  n: number,
  seed: number,
  startMs: number,
  stepMs: number,
  shift: number,
): PredictionRecord[] {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.random())) * Math.cos(2 * Math.PI * rng.random());
  return Array.from({ length: n }, (_, i) => {
    const embedding = new Float32Array(DIM);
    for (let k = 0; k < DIM; k++) embedding[k] = 0.5 + gauss() * 0.2 + (k < 16 ? shift : 0);
    const synthetic = TEXT_WORDS > 0 ? syntheticText(() => rng.random(), shift > 0 && i % 10 === 0) : null;
    const text = synthetic ? synthetic.text : `record ${seed} ${i} ${'w'.repeat(i % 40)}`;
    const p = 0.5 + rng.random() / 2;
    const positive = rng.random() < 0.5;
    return {
      id: `${String(seed).padStart(6, '0')}-${String(i).padStart(8, '0')}`,
      timestamp: new Date(startMs + i * stepMs),
      model_name: MODEL.name,
      model_version: MODEL.version,
      text,
      text_sha256: createHash('sha256').update(text).digest('hex'),
      text_chars: text.length,
      token_count: synthetic ? Math.min(synthetic.ids.length, MAX_TOKENS) : 8 + (i % 40),
      token_ids: synthetic ? synthetic.ids.slice(0, MAX_TOKENS) : null,
      truncated: synthetic ? synthetic.ids.length > MAX_TOKENS : false,
      unknown_token_ratio: 0,
      label: positive ? 'POSITIVE' : 'NEGATIVE',
      score: p,
      probabilities: positive ? [1 - p, p] : [p, 1 - p],
      embedding,
      latency_ms: 5,
      request_id: `req-${i}`,
    };
  });
}

async function generate(dir: string, n: number): Promise<void> {
  const store = createLocalStore(dir);
  await store.putObject(
    baselineKey(MODEL.name, MODEL.version),
    encodePredictions(records(Number(args.baseline), 1, 0, 1, 0)),
  );
  const perFile = Number(args['per-file']);
  const startMs = NOW.getTime() - 24 * 3_600_000;
  const stepMs = (24 * 3_600_000) / n;
  for (let i = 0; i < n; i += perFile) {
    const batch = records(Math.min(perFile, n - i), 1000 + i, startMs + i * stepMs, stepMs, 0.05);
    await store.putPredictions(batch);
  }
}

async function monitor(dir: string): Promise<void> {
  const stages: Record<string, number> = {};
  const t0 = performance.now();
  const store = createLocalStore(dir);
  const { report, threads } = await runMonitorJob({
    store,
    model: MODEL,
    source: args.source === 'log' ? undefined : duckDbWindowSource(store, MODEL),
    now: NOW,
    reportAssets: await loadReportAssets(),
    timing: { now: () => performance.now(), report: (s, ms) => (stages[s] = Math.round(ms)) },
  });
  const ms = Math.round(performance.now() - t0);
  const cpu = process.cpuUsage();
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    JSON.stringify({
      ms,
      cpuMs,
      maxRssMb,
      stages,
      threads,
      current: report.metrics['volume.current'],
      worst: report.summary.worst,
    }),
  );
}

function child(mode: string, dir: string, n?: number): string {
  const r = spawnSync(
    process.execPath,
    [
      join(SELF, '../../bin/run-ts.mjs'),
      SELF,
      '--child',
      mode,
      '--dir',
      dir,
      '--n',
      String(n ?? 0),
      '--dim',
      String(DIM),
      '--baseline',
      args.baseline as string,
      '--per-file',
      args['per-file'] as string,
      '--source',
      args.source as string,
      '--text',
      args.text as string,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return r.stdout;
}

if (args.child === 'generate') await generate(args.dir as string, Number(args.n));
else if (args.child === 'monitor') await monitor(args.dir as string);
else {
  const results: unknown[] = [];
  for (const n of (args.records as string).split(',').map(Number)) {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-monitor-'));
    try {
      const g0 = performance.now();
      child('generate', dir, n);
      const generateMs = Math.round(performance.now() - g0);
      const run = JSON.parse(child('monitor', dir).trim().split('\n').pop() as string);
      const row = {
        records: n,
        dim: DIM,
        baseline: Number(args.baseline),
        text: args.text,
        generateMs,
        ...run,
      };
      console.log(JSON.stringify(row));
      results.push(row);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  await writeFile(
    join(
      SELF,
      `../monitor-run${args.text === 'short' ? '' : `.${(args.text as string).replace(':', '-')}`}.results.json`,
    ),
    `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`,
  );
}
