/**
 * Power of the monitoring run. (1) Reference = SST-2 dev, current = 200 sentences of another domain
 * (UCI amazon, yelp): embedding drift must alert with MMD p < 0.01 in every repetition. (2) A shift of
 * the predicted label shares from 50/50 to 80/20 at n = 500 per window: prediction drift must alert.
 */
import { loadTextClassifier } from '../../functions/lib/inference/index.ts';
import { DEFAULT_MONITOR_CONFIG } from '../../functions/lib/monitor/config.ts';
import { runMonitor } from '../../functions/lib/monitor/run.ts';
import type { MonitorReport } from '../../functions/lib/monitor/types.ts';
import type { WindowRow } from '../../functions/lib/monitor/window.ts';
import { readSst2 } from '../train/sst2.ts';
import { DEFAULT_BUNDLE_DIR } from './model-accuracy.ts';
import {
  createRng,
  drawRows,
  type EmbeddedText,
  embedTexts,
  readUciSentences,
  toWindow,
  type UciDomain,
} from './monitor-datasets.ts';
import type { Evaluation } from './types.ts';

export interface PowerOptions {
  bundleDir?: string;
  /** Repetitions of each scenario (fresh random draws). @default 20 */
  repetitions?: number;
  seed?: number;
}

const DOMAINS: UciDomain[] = ['amazon_cells', 'yelp'];

function run(
  model: { name: string; version: string; labels: string[] },
  ref: WindowRow[],
  cur: WindowRow[],
  seed: number,
) {
  return runMonitor({
    model,
    reference: toWindow(ref, seed),
    referenceKind: 'baseline',
    current: toWindow(cur, seed + 1),
    window: { start: 'power', end: String(seed) },
    now: new Date(0),
    seed,
    config: DEFAULT_MONITOR_CONFIG,
    projector: false,
  });
}

const find = (r: MonitorReport, check: string) => r.findings.find((f) => f.check === check);

/** `n` rows of which `share` are predicted `label`, drawn without replacement from `byLabel`. */
function withShare(
  byLabel: Map<string, EmbeddedText[]>,
  label: string,
  other: string,
  n: number,
  share: number,
) {
  const k = Math.round(n * share);
  return [...(byLabel.get(label) ?? []).splice(0, k), ...(byLabel.get(other) ?? []).splice(0, n - k)];
}

export function createMonitorPowerEvaluation(options: PowerOptions = {}): Evaluation {
  const reps = options.repetitions ?? 20;
  const seed = options.seed ?? 20260302;
  return {
    name: 'monitor-power',
    async run({ datasetsDir }) {
      const rng = createRng(seed);
      const classifier = await loadTextClassifier(options.bundleDir ?? DEFAULT_BUNDLE_DIR);
      const model = {
        name: classifier.info.name,
        version: classifier.info.version,
        labels: classifier.info.labels,
      };
      let dev: EmbeddedText[];
      let pool: EmbeddedText[];
      const domains = new Map<UciDomain, EmbeddedText[]>();
      try {
        dev = await embedTexts(classifier, readSst2(datasetsDir, 'dev'), 'dev');
        pool = await embedTexts(classifier, drawRows(readSst2(datasetsDir, 'train'), 4000, rng), 'train');
        for (const d of DOMAINS)
          domains.set(d, await embedTexts(classifier, readUciSentences(datasetsDir, d), d));
      } finally {
        await classifier.close();
      }
      const lines: string[] = [];
      let passed = true;

      for (const d of DOMAINS) {
        let hits = 0;
        const ps: number[] = [];
        for (let r = 0; r < reps; r++) {
          const report = run(model, dev, drawRows(domains.get(d) as EmbeddedText[], 200, rng), seed + 10 * r);
          const mmd = find(report, 'embedding_drift.mmd');
          ps.push(mmd?.pValue ?? 1);
          if (mmd?.verdict === 'alert' && (mmd.pValue ?? 1) < 0.01) hits++;
        }
        passed &&= hits === reps;
        lines.push(
          `embedding drift SST-2 dev (${dev.length}) vs ${d} (200): alerted ${hits}/${reps}, MMD p max ${Math.max(...ps).toExponential(2)}`,
        );
      }

      const [a, b] = model.labels;
      let labelHits = 0;
      let maxP = 0;
      for (let r = 0; r < reps; r++) {
        const shuffled = drawRows(pool, pool.length, rng);
        const byLabel = new Map<string, EmbeddedText[]>([
          [a, shuffled.filter((x) => x.label === a)],
          [b, shuffled.filter((x) => x.label === b)],
        ]);
        const ref = withShare(byLabel, a, b, 500, 0.5);
        const cur = withShare(byLabel, a, b, 500, 0.8);
        if (ref.length < 500 || cur.length < 500)
          throw new Error('EVAL_DATA_INVALID: not enough texts of each predicted label');
        const chi = find(run(model, ref, cur, seed + 1000 + r), 'prediction_drift.label_chi_square');
        maxP = Math.max(maxP, chi?.pValueAdjusted ?? 1);
        if (chi?.verdict === 'alert') labelHits++;
      }
      passed &&= labelHits === reps;
      lines.push(
        `prediction drift, predicted ${a}/${b} 50/50 -> 80/20 at n=500: alerted ${labelHits}/${reps}, adjusted p max ${maxP.toExponential(2)}`,
      );
      return { passed, lines };
    },
  };
}
