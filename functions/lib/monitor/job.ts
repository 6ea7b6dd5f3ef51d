/**
 * The monitoring job shared by `vigil monitor` and the scheduled Lambda: load the reference and the
 * current window from a RecordStore, run the checks, write the report (JSON, HTML, latest.html) and
 * optionally hand it to alerting.
 */

import type { Notifier } from '../alerts/notifier.ts';
import { type RunAlertingResult, runAlerting } from '../alerts/run.ts';
import type { ConditionalStore } from '../alerts/state.ts';
import type { NotifyOn } from '../alerts/types.ts';
import type { ModelVersion } from '../models/model-version.ts';
import { resolveMonitors } from '../models/monitors.ts';
import { readModelVersion } from '../models/registry.ts';
import type { RecordStore } from '../records/store.ts';
import { type ReportAssets, renderReportHtml } from '../report/html.ts';
import { openProjectorThread, type ProjectorThread, WORKER_MIN_POINTS } from '../report/projector-thread.ts';
import {
  DEFAULT_MONITOR_CONFIG,
  type MonitorConfig,
  referenceSampleCapacity,
  windowSampleCapacity,
} from './config.ts';
import { loadReportHistory, usualVolume } from './history.ts';
import { baselineKey, baselineLabelsKey, reportKeys } from './keys.ts';
import { accumulateFiles, actualsById, baselineLabels } from './load.ts';
import { logWindowSource } from './log-source.ts';
import { runMonitorConcurrently, type ThreadUse } from './run.ts';
import type { WindowSource } from './source.ts';
import type { MonitorReport, WindowRange } from './types.ts';
import { type MonitorWindow, WindowAccumulator } from './window.ts';

export const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

export type ReferenceSpec =
  /** The stored baseline of the model version (`vigil baseline`). */
  | { kind: 'baseline' }
  /** A past window of the log, e.g. the same 24 hours a week earlier. */
  | { kind: 'window'; start: Date; end: Date };

export interface MonitorJobInput {
  store: RecordStore;
  model: { name: string; version: string; labels: string[] };
  now: Date;
  /** Length of the current window, ending at `now`; wins over the model version's monitors.window. */
  windowMs?: number;
  /** The deployment's window, used when neither `windowMs` nor the model version sets one. @default 24 hours */
  defaultWindowMs?: number;
  /** @default the baseline */
  reference?: ReferenceSpec;
  seed?: number;
  config?: MonitorConfig;
  /**
   * The model version's declaration; undefined reads it from the store (models/…/model.json), null
   * runs without one (today's defaults, no fields).
   */
  modelVersion?: ModelVersion | null;
  /** Where the windows come from. @default Vigil's prediction log in `store` */
  source?: WindowSource;
  /** The dashboard's inlined scripts; without them no HTML is written. */
  reportAssets?: ReportAssets;
  alerting?: {
    notifiers: Notifier[];
    dryRun?: boolean;
    cooldownMs?: number;
    notifyOn?: NotifyOn;
    reportUrl?: string | null;
  };
  /** Stage timings, for the benchmark and logs (lib reads no clock of its own). */
  timing?: { now: () => number; report: (stage: string, ms: number) => void };
}

export interface MonitorJobResult {
  report: MonitorReport;
  keys: { json: string; html: string | null; latestHtml: string | null };
  alerting: RunAlertingResult | null;
  /**
   * Where the run's off-thread work ran: a worker thread beside the checks, or this thread (small
   * work, or no worker could start); null when there was none (no projector; too few texts for the
   * word test). The report is the same either way.
   */
  threads: { projectorLayout: ThreadUse | null; wordExcess: ThreadUse | null };
}

/** Thrown when the run has no reference to compare with; the CLI prints it with its code. */
export class MonitorJobError extends Error {
  constructor(
    readonly code: 'BASELINE_NOT_FOUND' | 'BASELINE_UNREADABLE' | 'INVALID_WINDOW',
    message: string,
  ) {
    super(message);
    this.name = 'MonitorJobError';
  }
}

/** The record store seen as alerting's compare-and-swap store (etags as versions). */
export function conditionalStoreOf(store: RecordStore): ConditionalStore {
  return {
    async get(key) {
      const o = await store.getObjectWithEtag(key);
      return o ? { body: o.body, version: o.etag } : null;
    },
    async putIfVersion(key, body, expected) {
      return (await store.putObjectIfMatch(key, body, expected, 'application/json')).ok;
    },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function runMonitorJob(input: MonitorJobInput): Promise<MonitorJobResult> {
  let projectorThread: ProjectorThread | undefined;
  try {
    return await runJob(input, () => {
      projectorThread = openProjectorThread();
      return projectorThread;
    });
  } finally {
    projectorThread?.close();
  }
}

async function runJob(input: MonitorJobInput, openThread: () => ProjectorThread): Promise<MonitorJobResult> {
  const { store, now } = input;
  // The model version's declaration (when there is one) gives labels, fields and monitors as code.
  const declared =
    input.modelVersion === undefined
      ? await readModelVersion(store, input.model.name, input.model.version)
      : input.modelVersion;
  const monitors = declared ? resolveMonitors(declared.monitors) : null;
  const model = {
    ...input.model,
    labels: input.model.labels.length > 0 ? input.model.labels : (declared?.labels ?? []),
  };
  const config = input.config ?? monitors?.config ?? DEFAULT_MONITOR_CONFIG;
  const seed = input.seed ?? 0;
  const windowMs = input.windowMs ?? monitors?.windowMs ?? input.defaultWindowMs ?? DEFAULT_WINDOW_MS;
  const fields = declared?.fields ?? [];
  const loadOptions = {
    fields: fields.map((f) => f.name),
    segmentFields: fields.filter((f) => f.segment).map((f) => f.name),
  };
  const source = input.source ?? logWindowSource(store, model);
  if (!(windowMs > 0) || !Number.isFinite(now.getTime())) {
    throw new MonitorJobError(
      'INVALID_WINDOW',
      'the window must have a positive length and a valid end time',
    );
  }
  const clock = input.timing?.now ?? (() => 0);
  const stage = (name: string, since: number) => input.timing?.report(name, clock() - since);
  const capacity = windowSampleCapacity(config);
  const referenceCapacity = referenceSampleCapacity(config);
  const toMs = now.getTime();
  const fromMs = toMs - windowMs;
  const window: WindowRange = { start: iso(fromMs), end: iso(toMs) };

  // The projector's worker thread starts while the windows load, and lays out beside the checks.
  const projectorThread = config.projectorMaxPoints >= WORKER_MIN_POINTS ? openThread() : undefined;

  let t = clock();
  const spec = input.reference ?? { kind: 'baseline' };
  const refAcc = new WindowAccumulator(referenceCapacity, seed + 101, loadOptions);
  let reference: MonitorWindow;
  let referenceActuals: Map<string, string> | undefined;
  let referenceWindow: WindowRange | undefined;
  if (spec.kind === 'baseline') {
    const key = baselineKey(model.name, model.version);
    await accumulateFiles(store, [key], refAcc);
    if (refAcc.files === 0) {
      throw new MonitorJobError(
        'BASELINE_NOT_FOUND',
        `no baseline at ${key}: run \`vigil baseline --input FILE\` first, or pass a past window as reference`,
      );
    }
    if (refAcc.unreadableFiles > 0) {
      throw new MonitorJobError(
        'BASELINE_UNREADABLE',
        `${key} is not a prediction-log Parquet file; rebuild it with \`vigil baseline\``,
      );
    }
    referenceActuals = await baselineLabels(store, baselineLabelsKey(model.name, model.version));
    reference = refAcc.build();
  } else {
    if (!(spec.end.getTime() > spec.start.getTime())) {
      throw new MonitorJobError('INVALID_WINDOW', 'the reference window must end after it starts');
    }
    referenceWindow = { start: spec.start.toISOString(), end: spec.end.toISOString() };
    reference = await source.loadWindow(
      { fromMs: spec.start.getTime(), toMs: spec.end.getTime() },
      { ...loadOptions, capacity: referenceCapacity, seed: seed + 101 },
    );
    referenceActuals = await actualsById(store, model.name, { fromMs: spec.start.getTime(), toMs: toMs + 1 });
  }
  stage('load_reference', t);

  t = clock();
  // The reference fixes the embedding width, so a stray file of another width is what gets rejected.
  const current = await source.loadWindow(
    { fromMs, toMs },
    { ...loadOptions, capacity, seed: seed + 202, expectDimension: reference.dim },
  );
  // Labels for this window's predictions may arrive any time until now.
  const actuals = await actualsById(store, model.name, { fromMs, toMs: toMs + 1 });
  stage('load_current', t);

  t = clock();
  const keys = reportKeys(model.name, model.version, now);
  const history = await loadReportHistory(store, keys.prefix, keys.json);
  const expectedVolume =
    spec.kind === 'window'
      ? (reference.size * windowMs) / (spec.end.getTime() - spec.start.getTime())
      : usualVolume(history, windowMs);
  stage('load_history', t);

  t = clock();
  // What is left of the projector's layout after the checks is the projector stage.
  const threads: MonitorJobResult['threads'] = { projectorLayout: null, wordExcess: null };
  const report = await runMonitorConcurrently(
    {
      model,
      reference,
      referenceKind: spec.kind,
      referenceWindow,
      current,
      actuals: actuals.size > 0 ? actuals : undefined,
      referenceActuals: referenceActuals && referenceActuals.size > 0 ? referenceActuals : undefined,
      expectedVolume,
      window,
      now,
      seed,
      config,
      fields,
      segmentMaxValues: monitors?.segmentMaxValues,
    },
    {
      thread: projectorThread,
      checksDone: () => {
        stage('checks', t);
        t = clock();
      },
      layoutDone: (where) => {
        threads.projectorLayout = where;
      },
      wordExcessDone: (where) => {
        threads.wordExcess = where;
      },
    },
  );
  stage('projector', t);

  t = clock();
  await store.putObject(keys.json, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  let html: string | null = null;
  if (input.reportAssets) {
    html = renderReportHtml(report, history, input.reportAssets);
    await store.putObject(keys.html, html, 'text/html; charset=utf-8');
    await store.putObject(keys.latestHtml, html, 'text/html; charset=utf-8');
  }
  stage('write_report', t);

  let alerting: RunAlertingResult | null = null;
  if (input.alerting) {
    t = clock();
    alerting = await runAlerting({
      store: conditionalStoreOf(store),
      report,
      now,
      notifiers: input.alerting.notifiers,
      dryRun: input.alerting.dryRun,
      cooldownMs: input.alerting.cooldownMs ?? monitors?.cooldownMs,
      routes: monitors?.channels,
      notifyOn: input.alerting.notifyOn,
      reportUrl: input.alerting.reportUrl,
    });
    stage('alerting', t);
  }
  return {
    report,
    keys: { json: keys.json, html: html ? keys.html : null, latestHtml: html ? keys.latestHtml : null },
    alerting,
    threads,
  };
}
