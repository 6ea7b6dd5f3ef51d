/**
 * Detection power and false-alarm rate of a whole monitoring run (every check, BH-corrected, default
 * thresholds) per shift scenario and current-window size. Texts go through the model once; each trial
 * then draws a 1000-record reference and an n-record current window with replacement from the pools
 * (so trials are iid draws of the same populations) and runs `runMonitor` without the projector.
 *
 *   node bin/run-ts.mjs bench/detection.ts [--datasets DIR] [--trials 20] [--sizes 50,200,1000] [--out FILE]
 *
 * Default texts: data/demo-corpus.jsonl. With --datasets: SST-2 and the UCI sentences (never committed).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type DemoText,
  drawWithReplacement,
  emptyText,
  readPools,
  veryLongText,
} from '../cli/demo/traffic.ts';
import { loadTextClassifier } from '../functions/lib/inference/index.ts';
import type { TextClassifier } from '../functions/lib/inference/types.ts';
import { DEFAULT_MONITOR_CONFIG, windowSampleCapacity } from '../functions/lib/monitor/config.ts';
import { runMonitor } from '../functions/lib/monitor/run.ts';
import type { MonitorReport } from '../functions/lib/monitor/types.ts';
import { type WindowRow, windowFromRows } from '../functions/lib/monitor/window.ts';
import { createRng, type Rng, randomInt } from '../functions/lib/stats/rng.ts';
import { embedWithTruth } from '../tools/eval/monitor-datasets.ts';

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string' },
    model: { type: 'string', default: 'layers/model' },
    trials: { type: 'string', default: '20' },
    sizes: { type: 'string', default: '50,200,1000' },
    reference: { type: 'string', default: '1000' },
    out: { type: 'string', default: join(import.meta.dirname, 'detection.results.json') },
  },
});
const TRIALS = Number(args.trials);
const SIZES = args.sizes.split(',').map(Number);
const REFERENCE = Number(args.reference);

interface Row extends WindowRow {
  trueLabel: string | null;
}

const embed = (classifier: TextClassifier, texts: readonly DemoText[], tag: string): Promise<Row[]> =>
  embedWithTruth(classifier, texts, tag, (t) => t.label);

interface Pools {
  home: Row[];
  other: Row[];
  empty: Row[];
  long: Row[];
}

/** A scenario draws the current window; `target` names the checks that should catch it. */
interface Scenario {
  name: string;
  description: string;
  target: string[];
  draw(p: Pools, n: number, rng: Rng): Row[];
}

const mix = (rng: Rng, n: number, parts: [Row[], number][]): Row[] => {
  const out: Row[] = [];
  for (const [pool, share] of parts) out.push(...drawWithReplacement(pool, Math.round(n * share), rng));
  while (out.length < n) out.push(parts[0][0][randomInt(rng, parts[0][0].length)]);
  return out.slice(0, n);
};

const SCENARIOS: Scenario[] = [
  {
    name: 'no shift',
    description: 'current drawn like the reference (false-alarm rate)',
    target: [],
    draw: (p, n, rng) => drawWithReplacement(p.home, n, rng),
  },
  {
    name: 'new domains (100%)',
    description: 'every text from domains the reference never saw',
    target: ['embedding_drift.mmd'],
    draw: (p, n, rng) => drawWithReplacement(p.other, n, rng),
  },
  {
    name: 'new domains (20% mixed in)',
    description: '80% as the reference, 20% from new domains',
    target: ['embedding_drift.mmd'],
    draw: (p, n, rng) =>
      mix(rng, n, [
        [p.home, 0.8],
        [p.other, 0.2],
      ]),
  },
  {
    name: 'label share 50/50 -> 80/20',
    description: 'in-domain texts, 80% with true label NEGATIVE',
    target: ['prediction_drift.label_chi_square'],
    draw: (p, n, rng) =>
      mix(rng, n, [
        [p.home.filter((r) => r.trueLabel === 'NEGATIVE'), 0.8],
        [p.home.filter((r) => r.trueLabel === 'POSITIVE'), 0.2],
      ]),
  },
  {
    name: 'empty + very long burst (5% + 5%)',
    description: 'in-domain texts, 5% empty and 5% 40x too long',
    target: ['integrity.empty_text', 'integrity.truncation'],
    draw: (p, n, rng) =>
      mix(rng, n, [
        [p.home, 0.9],
        [p.empty, 0.05],
        [p.long, 0.05],
      ]),
  },
];

// Each draw gets fresh ids: the window accumulator drops rows whose id it has seen.
const relabel = (rows: Row[], tag: string): Row[] => rows.map((r, i) => ({ ...r, id: `${tag}-${i}` }));

function runOnce(
  model: { name: string; version: string; labels: string[] },
  ref: Row[],
  cur: Row[],
  seed: number,
) {
  const capacity = windowSampleCapacity(DEFAULT_MONITOR_CONFIG);
  return runMonitor({
    model,
    reference: windowFromRows(relabel(ref, 'r'), capacity, seed + 1),
    referenceKind: 'baseline',
    current: windowFromRows(relabel(cur, 'c'), capacity, seed + 2),
    window: { start: 'bench', end: String(seed) },
    now: new Date(0),
    seed,
    config: DEFAULT_MONITOR_CONFIG,
    projector: false,
  });
}

const alerted = (r: MonitorReport, checks: string[]) =>
  r.findings.some((f) => checks.includes(f.check) && f.verdict === 'alert');

const started = performance.now();
const source = readPools(args.datasets);
const classifier = await loadTextClassifier(args.model);
let pools: Pools;
try {
  const home = await embed(classifier, source.inDomain, 'home');
  pools = {
    home,
    other: await embed(classifier, source.otherDomains, 'other'),
    empty: await embed(classifier, [emptyText()], 'empty'),
    long: await embed(classifier, source.inDomain.slice(0, 200).map(veryLongText), 'long'),
  };
} finally {
  await classifier.close();
}
const model = {
  name: classifier.info.name,
  version: classifier.info.version,
  labels: classifier.info.labels,
};

interface Cell {
  scenario: string;
  n: number;
  trials: number;
  /** Share of trials where one of the scenario's target checks alerted. */
  targetAlertRate: number | null;
  /** Share of trials where any check alerted (for "no shift": the false-alarm rate). */
  anyAlertRate: number;
  anyWarningOrAlertRate: number;
  medianTargetP: number | null;
  msPerRun: number;
}

const cells: Cell[] = [];
const rng = createRng(20261129);
for (const scenario of SCENARIOS) {
  for (const n of SIZES) {
    let target = 0;
    let any = 0;
    let anyWarn = 0;
    const ps: number[] = [];
    const t0 = performance.now();
    for (let t = 0; t < TRIALS; t++) {
      const ref = drawWithReplacement(pools.home, REFERENCE, rng);
      const report = runOnce(model, ref, scenario.draw(pools, n, rng), 1000 * t + n);
      if (alerted(report, scenario.target)) target++;
      if (report.summary.worst === 'alert') any++;
      if (report.summary.worst === 'alert' || report.summary.worst === 'warning') anyWarn++;
      const p = report.findings.find((f) => f.check === scenario.target[0])?.pValueAdjusted;
      if (typeof p === 'number') ps.push(p);
    }
    ps.sort((a, b) => a - b);
    cells.push({
      scenario: scenario.name,
      n,
      trials: TRIALS,
      targetAlertRate: scenario.target.length ? target / TRIALS : null,
      anyAlertRate: any / TRIALS,
      anyWarningOrAlertRate: anyWarn / TRIALS,
      medianTargetP: ps.length ? ps[ps.length >> 1] : null,
      msPerRun: (performance.now() - t0) / TRIALS,
    });
    process.stderr.write(`detection: ${scenario.name}, n=${n} done\n`);
  }
}

const pct = (x: number | null) => (x === null ? '-' : `${Math.round(x * 100)}%`);
const lines = [
  `Texts: ${source.source}; model ${model.name} ${model.version}; reference ${REFERENCE} records; ${TRIALS} trials per cell; default thresholds (alert at BH-adjusted p < 0.01).`,
  '',
  '| scenario | n current | target check(s) alerted | any check alerted | any warning or alert | median adjusted p of target | ms / run |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...cells.map((c) => {
    const s = SCENARIOS.find((x) => x.name === c.scenario) as Scenario;
    const target = s.target.length ? `${pct(c.targetAlertRate)} (${s.target.join(', ')})` : 'n/a';
    const p = c.medianTargetP === null ? '-' : c.medianTargetP.toExponential(1);
    return `| ${c.scenario} | ${c.n} | ${target} | ${pct(c.anyAlertRate)} | ${pct(c.anyWarningOrAlertRate)} | ${p} | ${c.msPerRun.toFixed(0)} |`;
  }),
];
console.log(lines.join('\n'));
await writeFile(
  args.out,
  `${JSON.stringify({ at: new Date().toISOString(), source: source.source, reference: REFERENCE, cells, seconds: (performance.now() - started) / 1000 }, null, 2)}\n`,
);
