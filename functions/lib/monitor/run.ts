/**
 * One monitoring run over in-memory windows: every check, one Benjamini-Hochberg correction over all
 * p-values of the run, verdicts, the report's distributions, headline metrics and projector.
 */

import { characteristicWords } from '../checks/characteristic-words.ts';
import type { CheckContext } from '../checks/context.ts';
import { embeddingCentroidChecks } from '../checks/embedding-centroid.ts';
import { domainClassifierCheck } from '../checks/embedding-domain-classifier.ts';
import { embeddingMmdChecks } from '../checks/embedding-mmd.ts';
import { fieldDriftChecks } from '../checks/field-drift.ts';
import { type DraftFinding, finalizeFinding, worseVerdict } from '../checks/finding.ts';
import { integrityRateChecks } from '../checks/integrity-rates.ts';
import { schemaChecks } from '../checks/integrity-schema.ts';
import { textLengthCheck } from '../checks/integrity-text-length.ts';
import { volumeCheck } from '../checks/integrity-volume.ts';
import { noveltyChecks, noveltyReport, provideWordExcess, wordExcessRequestFor } from '../checks/novelty.ts';
import { performanceActualsChecks } from '../checks/performance-actuals.ts';
import { cbpeCheck, labelledCount } from '../checks/performance-cbpe.ts';
import { predictionLabelChecks } from '../checks/prediction-labels.ts';
import { predictionScoreChecks } from '../checks/prediction-scores.ts';
import { segmentChecks } from '../checks/segments.ts';
import { startWordExcess } from '../checks/word-excess-thread.ts';
import type { FieldSpec } from '../models/model-version.ts';
import {
  type PendingProjectorLayout,
  type ProjectorThread,
  startProjectorLayout,
} from '../report/projector-thread.ts';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.ts';
import { DEFAULT_MONITOR_CONFIG, type MonitorConfig } from './config.ts';
import { reportDistributions } from './distributions.ts';
import { reportMetrics } from './metrics.ts';
import { projectorFor, projectorFromLayout, projectorLayoutRequest } from './projector-sample.ts';
import type { Finding, MonitorReport, Verdict, WindowRange } from './types.ts';
import type { MonitorWindow } from './window.ts';

export interface RunMonitorInput {
  model: { name: string; version: string; labels: string[] };
  reference: MonitorWindow;
  referenceKind: 'baseline' | 'window';
  /** The past window used as reference, when `referenceKind` is `window`. */
  referenceWindow?: WindowRange;
  current: MonitorWindow;
  actuals?: ReadonlyMap<string, string>;
  referenceActuals?: ReadonlyMap<string, string>;
  /** Records usually seen in a window this long; null when unknown. */
  expectedVolume?: number | null;
  window: WindowRange;
  now: Date;
  seed: number;
  config?: MonitorConfig;
  /** The model version's declared extra fields: field drift, and segments among them. */
  fields?: readonly FieldSpec[];
  /** At most this many values of each segment field get their own checks. @default 10 */
  segmentMaxValues?: number;
  /** Build the embeddings projector (UMAP, the slowest part); evaluations switch it off. @default true */
  projector?: boolean;
}

/** Checks that need a column some models do not send (logged models may send no score, text or tokens). */
const NEEDS: Record<string, keyof MonitorWindow['present']> = {
  'prediction_drift.score_ks': 'score',
  'prediction_drift.score_wasserstein': 'score',
  'performance.estimated_accuracy': 'score',
  'integrity.empty_text': 'text',
  'integrity.text_length': 'text',
  'integrity.duplicates': 'text',
  'integrity.truncation': 'tokens',
  'integrity.unknown_tokens': 'tokens',
};

/** Drops the checks whose column neither window carries: they have nothing to say, not "ok". */
export function applicableChecks(ctx: CheckContext, drafts: DraftFinding[]): DraftFinding[] {
  return drafts.filter((d) => {
    const column = NEEDS[d.check];
    return !column || ctx.current.present[column] > 0 || ctx.reference.present[column] > 0;
  });
}

/** Every check of a run, in report order. */
export function runChecks(ctx: CheckContext): DraftFinding[] {
  return applicableChecks(
    ctx,
    checkGroups(ctx).flatMap((g) => g.run()),
  );
}

/**
 * `runChecks`, with the novelty checks (whose word-excess test may be running on another thread)
 * evaluated last, after `beforeNovelty` — the same findings in the same order.
 */
async function runChecksDeferringNovelty(
  ctx: CheckContext,
  beforeNovelty: () => Promise<void>,
): Promise<DraftFinding[]> {
  const groups = checkGroups(ctx);
  const out: DraftFinding[][] = groups.map((g) => (g.novelty ? [] : g.run()));
  await beforeNovelty();
  groups.forEach((g, i) => {
    if (g.novelty) out[i] = g.run();
  });
  return applicableChecks(ctx, out.flat());
}

/** The checks of a run in report order, each group computed when run; `novelty` marks the deferrable one. */
function checkGroups(ctx: CheckContext): { run: () => DraftFinding[]; novelty?: true }[] {
  const labelled = labelledCount(ctx);
  const hasActuals = labelled >= ctx.config.minPerformanceSampleSize;
  const group = (run: () => DraftFinding[]) => ({ run });
  return [
    group(() => embeddingMmdChecks(ctx)),
    { run: () => noveltyChecks(ctx), novelty: true },
    group(() => [domainClassifierCheck(ctx)]),
    group(() => embeddingCentroidChecks(ctx)),
    group(() => predictionLabelChecks(ctx)),
    group(() => predictionScoreChecks(ctx)),
    group(() => integrityRateChecks(ctx)),
    group(() => [textLengthCheck(ctx)]),
    group(() => [volumeCheck(ctx)]),
    group(() => schemaChecks(ctx)),
    group(() => (hasActuals || labelled > 0 ? performanceActualsChecks(ctx, labelled) : [])),
    group(() => (hasActuals ? [] : [cbpeCheck(ctx)])),
    group(() => fieldDriftChecks(ctx)),
    group(() => segmentChecks(ctx)),
  ];
}

/** The check id a finding's settings come from: a segment finding `x.y[field=value]` follows `x.y`. */
export function baseCheckId(check: string): string {
  const i = check.indexOf('[');
  return i < 0 ? check : check.slice(0, i);
}

/** Drops the checks the model version switched off and applies its thresholds, before BH. */
export function applyCheckSettings(drafts: DraftFinding[], config: MonitorConfig): DraftFinding[] {
  const settings = config.checks ?? {};
  if (Object.keys(settings).length === 0) return drafts;
  const out: DraftFinding[] = [];
  for (const d of drafts) {
    const s = settings[baseCheckId(d.check)];
    if (!s) {
      out.push(d);
      continue;
    }
    if (s.enabled === false) continue;
    out.push({
      ...d,
      thresholds: { warning: s.warning ?? d.thresholds.warning, alert: s.alert ?? d.thresholds.alert },
    });
  }
  return out;
}

/** BH over the p-values of every finding that has data; the rest keep a null adjusted p. */
export function correctFindings(drafts: DraftFinding[]): Finding[] {
  const tested = drafts.map((d, i) => (d.pValue !== null && !d.insufficient ? i : -1)).filter((i) => i >= 0);
  const adjusted = tested.length > 0 ? benjaminiHochberg(tested.map((i) => drafts[i].pValue as number)) : [];
  const byIndex = new Map(tested.map((i, k) => [i, adjusted[k]]));
  return drafts.map((d, i) => finalizeFinding(d, byIndex.get(i) ?? null));
}

export function summarize(findings: Finding[]): MonitorReport['summary'] {
  const counts: Record<Verdict, number> = { ok: 0, warning: 0, alert: 0, insufficient_data: 0 };
  let worst: Verdict = 'insufficient_data';
  for (const f of findings) {
    counts[f.verdict]++;
    worst = worseVerdict(worst, f.verdict);
  }
  return { worst, counts };
}

function checkContext(input: RunMonitorInput): CheckContext {
  return {
    reference: input.reference,
    current: input.current,
    labels: input.model.labels,
    actuals: input.actuals,
    referenceActuals: input.referenceActuals,
    expectedVolume: input.expectedVolume ?? null,
    config: input.config ?? DEFAULT_MONITOR_CONFIG,
    seed: input.seed,
    fields: input.fields,
    segmentMaxValues: input.segmentMaxValues,
  };
}

/** Every part of the report but the projector. */
function reportWithoutProjector(input: RunMonitorInput, ctx: CheckContext): MonitorReport {
  return assembleReport(input, ctx, runChecks(ctx));
}

/** The report of a run from its check drafts. */
function assembleReport(input: RunMonitorInput, ctx: CheckContext, drafts: DraftFinding[]): MonitorReport {
  const findings = correctFindings(applyCheckSettings(drafts, ctx.config));
  const report: MonitorReport = {
    schemaVersion: 1,
    model: { name: input.model.name, version: input.model.version },
    runAt: input.now.toISOString(),
    window: input.window,
    reference: {
      kind: input.referenceKind,
      size: input.reference.size,
      ...(input.referenceWindow ? { window: input.referenceWindow } : {}),
    },
    findings,
    summary: summarize(findings),
    distributions: reportDistributions(ctx),
    metrics: reportMetrics(ctx, findings),
  };
  const novelty = noveltyReport(ctx);
  if (novelty) report.novelty = novelty;
  const words = characteristicWords(ctx);
  if (words) report.characteristicWords = words;
  return report;
}

export function runMonitor(input: RunMonitorInput): MonitorReport {
  const ctx = checkContext(input);
  const report = reportWithoutProjector(input, ctx);
  if (input.projector !== false) {
    const projector = projectorFor(ctx);
    if (projector) report.projector = projector;
  }
  return report;
}

/**
 * The same report as `runMonitor`, with the projector's layout (projector-thread.ts) and the
 * word-excess test (checks/word-excess-thread.ts) on worker threads while the other checks run on
 * this one (each on this thread where no worker can start or its work is small). `thread`: a projector
 * thread opened earlier, so its start-up is already done; `checksDone` is called when only the
 * projector is left, for stage timings; `layoutDone` / `wordExcessDone` say where each ran.
 */
export async function runMonitorConcurrently(
  input: RunMonitorInput,
  options: {
    thread?: ProjectorThread;
    checksDone?: () => void;
    /** Where the projector's layout was computed (not called when the run has no projector). */
    layoutDone?: (where: ThreadUse) => void;
    /** Where the word-excess test ran (not called when a window had too few texts for it). */
    wordExcessDone?: (where: ThreadUse) => void;
  } = {},
): Promise<MonitorReport> {
  const ctx = checkContext(input);
  // The word test starts first: on long texts it is the run's longest check.
  const wordRequest = wordExcessRequestFor(ctx);
  const words = wordRequest ? startWordExcess(wordRequest) : null;
  let layout: PendingProjectorLayout | undefined;
  let report: MonitorReport;
  try {
    const request = input.projector === false ? undefined : projectorLayoutRequest(ctx);
    if (!request) options.thread?.close();
    layout = request && (options.thread?.layout(request) ?? startProjectorLayout(request));
    const drafts = await runChecksDeferringNovelty(ctx, async () => {
      if (!words) return;
      // What the report needs besides the word test, computed while it finishes (both are cached).
      noveltyReport(ctx);
      characteristicWords(ctx);
      const { result, onWorker } = await words.result();
      provideWordExcess(ctx, result);
      options.wordExcessDone?.(onWorker ? 'worker' : 'this_thread');
    });
    report = assembleReport(input, ctx, drafts);
  } catch (error) {
    layout?.cancel();
    words?.cancel();
    throw error;
  }
  options.checksDone?.();
  if (layout) {
    const { layout: placed, onWorker } = await layout.result();
    report.projector = projectorFromLayout(ctx, placed);
    options.layoutDone?.(onWorker ? 'worker' : 'this_thread');
  }
  return report;
}

/** Where off-thread work of a run was done. */
export type ThreadUse = 'worker' | 'this_thread';
