/**
 * False alarms of the monitoring run: reference and current windows drawn at random from one pool of
 * SST-2 sentences (no drift by construction), the whole run repeated; the embedding-drift and the
 * prediction-drift families must each alert in at most 5% of trials (plus sampling error).
 */
import { loadTextClassifier } from '../../functions/lib/inference/index.ts';
import { DEFAULT_MONITOR_CONFIG } from '../../functions/lib/monitor/config.ts';
import { runMonitor } from '../../functions/lib/monitor/run.ts';
import type { CheckGroup, MonitorReport } from '../../functions/lib/monitor/types.ts';
import { readSst2 } from '../train/sst2.ts';
import { DEFAULT_BUNDLE_DIR } from './model-accuracy.ts';
import {
  createRng,
  drawRows,
  embedTexts,
  randomSplit,
  rateWithMargin,
  toWindow,
} from './monitor-datasets.ts';
import type { Evaluation } from './types.ts';

export interface FalseAlarmOptions {
  bundleDir?: string;
  /** @default 200 */
  trials?: number;
  /** SST-2 train sentences the windows are drawn from. @default 2500 */
  poolSize?: number;
  /** @default [500, 200] */
  windowSizes?: [number, number];
  /** The bar on each family's alert rate (before the sampling margin). @default 0.05 */
  maxRate?: number;
  seed?: number;
}

const alerted = (r: MonitorReport, group: CheckGroup) =>
  r.findings.some((f) => f.group === group && f.verdict === 'alert');
const warned = (r: MonitorReport, group: CheckGroup) =>
  r.findings.some((f) => f.group === group && (f.verdict === 'alert' || f.verdict === 'warning'));

export function createMonitorFalseAlarmsEvaluation(options: FalseAlarmOptions = {}): Evaluation {
  const trials = options.trials ?? 200;
  const poolSize = options.poolSize ?? 2500;
  const sizes = options.windowSizes ?? [500, 200];
  const maxRate = options.maxRate ?? 0.05;
  const seed = options.seed ?? 20260301;
  return {
    name: 'monitor-false-alarms',
    async run({ datasetsDir }) {
      const rng = createRng(seed);
      const texts = drawRows(readSst2(datasetsDir, 'train'), poolSize, rng);
      const classifier = await loadTextClassifier(options.bundleDir ?? DEFAULT_BUNDLE_DIR);
      let pool: Awaited<ReturnType<typeof embedTexts>>;
      try {
        pool = await embedTexts(classifier, texts, 'sst2');
      } finally {
        await classifier.close();
      }
      const counts = {
        embeddingAlert: 0,
        predictionAlert: 0,
        embeddingWarn: 0,
        predictionWarn: 0,
        mmdRaw: 0,
        anyAlert: 0,
      };
      const started = performance.now();
      for (let t = 0; t < trials; t++) {
        const [ref, cur] = randomSplit(pool, sizes, rng);
        const report = runMonitor({
          model: {
            name: classifier.info.name,
            version: classifier.info.version,
            labels: classifier.info.labels,
          },
          reference: toWindow(ref, seed + 2 * t),
          referenceKind: 'window',
          current: toWindow(cur, seed + 2 * t + 1),
          window: { start: 'trial', end: String(t) },
          now: new Date(0),
          seed: seed + t,
          config: DEFAULT_MONITOR_CONFIG,
          projector: false,
        });
        if (alerted(report, 'embedding_drift')) counts.embeddingAlert++;
        if (alerted(report, 'prediction_drift')) counts.predictionAlert++;
        if (warned(report, 'embedding_drift')) counts.embeddingWarn++;
        if (warned(report, 'prediction_drift')) counts.predictionWarn++;
        if (report.summary.counts.alert > 0) counts.anyAlert++;
        const mmd = report.findings.find((f) => f.check === 'embedding_drift.mmd');
        if (
          mmd?.pValue !== null &&
          mmd?.pValue !== undefined &&
          mmd.pValue < DEFAULT_MONITOR_CONFIG.pValue.alert
        ) {
          counts.mmdRaw++;
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const emb = rateWithMargin(counts.embeddingAlert, trials, maxRate);
      const pred = rateWithMargin(counts.predictionAlert, trials, maxRate);
      const pct = (n: number) => `${((n / trials) * 100).toFixed(1)}%`;
      return {
        passed: emb.rate <= emb.bound && pred.rate <= pred.bound,
        lines: [
          `${trials} no-drift trials (SST-2 train pool ${pool.length}, windows ${sizes[0]} vs ${sizes[1]}, ${classifier.info.name} ${classifier.info.version}), ${seconds.toFixed(1)} s`,
          `embedding-drift alert rate ${pct(counts.embeddingAlert)} (bar ${(maxRate * 100).toFixed(0)}% + margin = ${(emb.bound * 100).toFixed(1)}%); warning or alert ${pct(counts.embeddingWarn)}`,
          `prediction-drift alert rate ${pct(counts.predictionAlert)} (bar ${(pred.bound * 100).toFixed(1)}%); warning or alert ${pct(counts.predictionWarn)}`,
          `raw MMD p < ${DEFAULT_MONITOR_CONFIG.pValue.alert} in ${pct(counts.mmdRaw)}; any alert of the run ${pct(counts.anyAlert)}`,
        ],
      };
    },
  };
}
