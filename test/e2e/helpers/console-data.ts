/**
 * A data dir for the console tests: two declared model versions (one with a segment field), a
 * baseline each, and daily windows turned into real reports by runMonitorJob (alert state included),
 * the later windows shifted so verdicts change over time. Hostile strings sit in texts, a label and a
 * field value, where the console shows them.
 */
import type { Notifier } from '../../../functions/lib/alerts/notifier.ts';
import { parseModelVersion } from '../../../functions/lib/models/model-version.ts';
import { declareModelVersion } from '../../../functions/lib/models/registry.ts';
import { resolveMonitorConfig } from '../../../functions/lib/monitor/config.ts';
import { runMonitorJob } from '../../../functions/lib/monitor/job.ts';
import { baselineKey } from '../../../functions/lib/monitor/keys.ts';
import { encodePredictions } from '../../../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../../../functions/lib/records/schema.ts';
import type { RecordStore } from '../../../functions/lib/records/store.ts';
import { createRng } from '../../../functions/lib/stats/rng.ts';

export const XSS_TEXT = '</script><img src=x onerror=alert(1)>';
export const XSS_LABEL = '<img src=x onerror=alert(2)>';
export const XSS_FIELD = '<svg onload=alert(3)>';
export const DAY = 86_400_000;
/** Window end of the newest run. */
export const LAST_END = new Date('2026-11-28T00:00:00.000Z');

export interface ConsoleModelSpec {
  name: string;
  version: string;
  labels: [string, string];
  /** Declares a `language` segment field whose values include XSS_FIELD. */
  segments: boolean;
  runs: number;
}

export const CONSOLE_MODELS: ConsoleModelSpec[] = [
  { name: 'reviews-minilm', version: '3', labels: ['NEGATIVE', 'POSITIVE'], segments: true, runs: 6 },
  { name: 'tickets-bert', version: '1', labels: ['billing', XSS_LABEL], segments: false, runs: 4 },
];

const DIM = 16;
const WORDS = ['great', 'film', 'slow', 'plot', 'music', 'refund', 'invoice', 'login', 'broken', 'thanks'];
const NEW_WORDS = ['crypto', 'token', 'airdrop', 'wallet'];

function records(
  spec: ConsoleModelSpec,
  n: number,
  startMs: number,
  spanMs: number,
  seed: number,
  shift: number,
): PredictionRecord[] {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.random())) * Math.cos(2 * Math.PI * rng.random());
  return Array.from({ length: n }, (_, i) => {
    const drifted = shift > 0 && i % 3 === 0;
    const embedding = Array.from({ length: DIM }, (_, k) => 1 + gauss() + (drifted && k < 6 ? shift : 0));
    const words = drifted ? NEW_WORDS : WORDS;
    const text =
      drifted && i % 30 === 0
        ? XSS_TEXT
        : `${words[i % words.length]} ${words[(i * 7 + 3) % words.length]} ${WORDS[(i * 3) % WORDS.length]} #${i}`;
    const positive = rng.random() < (drifted ? 0.25 : 0.55);
    const score = 0.5 + rng.random() / 2;
    const language = i % 2 === 0 ? 'en' : drifted ? XSS_FIELD : 'de';
    return {
      id: `${spec.name}-${seed}-${i}`,
      timestamp: new Date(startMs + Math.floor((i * spanMs) / n)),
      model_name: spec.name,
      model_version: spec.version,
      text,
      text_sha256: null,
      text_chars: text.length,
      token_count: null,
      truncated: null,
      unknown_token_ratio: null,
      label: positive ? spec.labels[1] : spec.labels[0],
      score,
      probabilities: [],
      embedding,
      latency_ms: null,
      request_id: 'console-test',
      fields: spec.segments ? { language } : null,
      token_ids: null,
    };
  });
}

const quietNotifier: Notifier = {
  name: 'test',
  channels: ['email', 'slack', 'webhook', 'console'],
  send: async () => ({ channel: 'test', ok: true, attempts: 1 }),
};

/** Writes declarations, baselines, windows and `runs` reports per model into `store`. */
export async function writeConsoleData(
  store: RecordStore,
  models: ConsoleModelSpec[] = CONSOLE_MODELS,
  options: { perWindow?: number; withHtml?: boolean } = {},
): Promise<void> {
  const perWindow = options.perWindow ?? 240;
  const config = resolveMonitorConfig({ projectorMaxPoints: 400 });
  for (const [m, spec] of models.entries()) {
    const declared = parseModelVersion(
      {
        labels: spec.labels,
        embedding_dim: DIM,
        text: true,
        score: true,
        probabilities: false,
        fields: spec.segments ? [{ name: 'language', type: 'string', segment: true }] : [],
        monitors: spec.segments ? { min_sample_size: { drift: 30, segment: 20 } } : {},
      },
      {
        name: spec.name,
        version: spec.version,
        now: new Date(LAST_END.getTime() - 30 * DAY),
        origin: 'logged',
      },
    );
    await declareModelVersion(store, declared);
    const baseline = records(spec, perWindow, 0, 1000, 1000 + m, 0);
    await store.putObject(baselineKey(spec.name, spec.version), encodePredictions(baseline));
    for (let r = 0; r < spec.runs; r++) {
      const end = LAST_END.getTime() - (spec.runs - 1 - r) * DAY;
      // The second half of the runs drift more and more.
      const shift = r < spec.runs / 2 ? 0 : 1.5 * (r - spec.runs / 2 + 1);
      const recs = records(spec, perWindow, end - DAY, DAY, 10 * m + r + 1, shift);
      await store.putPredictions(recs);
      await runMonitorJob({
        store,
        model: { name: spec.name, version: spec.version, labels: [] },
        now: new Date(end),
        config,
        seed: r,
        alerting: { notifiers: [quietNotifier] },
      });
    }
  }
}
