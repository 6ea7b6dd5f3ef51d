/**
 * The scheduled monitoring Lambda, without its AWS wiring: one run per model version for the window
 * ending at the event's scheduled time (so a retried event checks the same window), then alerting.
 */
import type { ScheduledEvent } from 'aws-lambda';
import type { Notifier } from '../lib/alerts/notifier.ts';
import type { MonitorConfig } from '../lib/monitor/config.ts';
import { findingsAsEmf } from '../lib/monitor/emf.ts';
import type { MonitorJobResult } from '../lib/monitor/job.ts';
import { reportKeys } from '../lib/monitor/keys.ts';
import { type ModelVersion, modelsInStore } from '../lib/monitor/models.ts';
import type { WindowSource } from '../lib/monitor/source.ts';
import type { Verdict } from '../lib/monitor/types.ts';
import { type CompactionResult, compactClosedHours, type HourMerger } from '../lib/records/compaction.ts';
import type { RecordStore } from '../lib/records/store.ts';
import type { ReportAssets } from '../lib/report/html.ts';
import {
  runMonitorJobWithSource,
  type SourceFactory,
  withConnectedModels,
} from '../lib/sources/monitor-run.ts';

export interface MonitorDeps {
  store: RecordStore;
  now: () => Date;
  notifiers: Notifier[];
  /** Model versions to check; default: every one with predictions in the store. */
  models?: (ModelVersion & { labels?: string[] })[];
  /** @default the model version's monitors window, else 24 hours */
  windowMs?: number;
  /**
   * The window ends this long before the run's time: records reach the log up to one Firehose buffer
   * interval late. @default 0
   */
  windowLagMs?: number;
  /** Where a model version's windows are read (engine choice); unset reads the log in process. */
  source?: (model: ModelVersion) => WindowSource;
  /** Builds a connected model version's own source (Parquet, Postgres); a failure to read it alerts. */
  connectedSource?: SourceFactory;
  config?: MonitorConfig;
  reportAssets: () => Promise<ReportAssets>;
  /** A link to a report for the alert message (e.g. a presigned URL), when one can be made. */
  reportUrl?: (key: string) => Promise<string | null>;
  /**
   * Merge the closed hours' per-request part files before checking (the scheduled job's compaction);
   * unset skips it. A failure is logged and does not stop the monitoring runs.
   */
  compaction?: { merge?: HourMerger };
  /** CloudWatch EMF namespace; metrics are logged only when set. */
  metricsNamespace?: string;
  log?: (line: string) => void;
}

export interface MonitorRunSummary {
  model: string;
  version: string;
  worst: Verdict | null;
  report: string | null;
  alerting: string | null;
  /** Where the projector's layout and the word-excess test ran (worker threads or the handler's). */
  threads?: MonitorJobResult['threads'];
  error?: { code: string; message: string };
}

/** Thrown after every model was tried when at least one run failed, so the invocation shows as failed. */
export class MonitorRunFailedError extends Error {
  readonly code = 'MONITOR_RUN_FAILED';
  constructor(readonly runs: MonitorRunSummary[]) {
    super(
      `monitoring failed for ${runs
        .filter((r) => r.error)
        .map((r) => `${r.model} ${r.version} (${r.error?.code}: ${r.error?.message})`)
        .join(', ')}`,
    );
    this.name = 'MonitorRunFailedError';
  }
}

async function compactLog(
  store: RecordStore,
  now: Date,
  merge: HourMerger | undefined,
  log: (line: string) => void,
): Promise<void> {
  try {
    const results: CompactionResult[] = await compactClosedHours(store, { now, merge });
    const merged = results.filter((r) => r.partsMerged > 0);
    log(
      JSON.stringify({
        event: 'compaction',
        hours: merged.length,
        parts: merged.reduce((a, r) => a + r.partsMerged, 0),
        records: merged.reduce((a, r) => a + r.records, 0),
      }),
    );
  } catch (e) {
    // Compaction only tidies the log (readers dedupe by id); the monitoring run matters more.
    const code = String((e as { code?: unknown })?.code ?? 'COMPACTION_FAILED');
    log(
      JSON.stringify({
        event: 'compaction_failed',
        code,
        message: e instanceof Error ? e.message : String(e),
      }),
    );
  }
}

export function makeHandler(deps: MonitorDeps) {
  const log = deps.log ?? ((line: string) => console.log(line));
  return async (event: Partial<ScheduledEvent> = {}): Promise<{ runs: MonitorRunSummary[] }> => {
    const scheduled = event.time ? new Date(event.time) : null;
    const now = scheduled && !Number.isNaN(scheduled.getTime()) ? scheduled : deps.now();
    if (deps.compaction) await compactLog(deps.store, now, deps.compaction.merge, log);
    const models: (ModelVersion & { labels?: string[] })[] =
      deps.models ??
      (await withConnectedModels(deps.store, await modelsInStore(deps.store, ['predictions/'])));
    const assets = await deps.reportAssets();
    const runs: MonitorRunSummary[] = [];
    for (const m of models) {
      try {
        const end = new Date(now.getTime() - (deps.windowLagMs ?? 0));
        const keys = reportKeys(m.name, m.version, end);
        const {
          report,
          keys: written,
          alerting,
          threads,
        } = await runMonitorJobWithSource(
          {
            store: deps.store,
            model: { name: m.name, version: m.version, labels: m.labels ?? [] },
            now: end,
            // The deployment's window; a model version's monitors.window wins over it.
            defaultWindowMs: deps.windowMs,
            source: deps.source?.(m),
            config: deps.config,
            reportAssets: assets,
            alerting: {
              notifiers: deps.notifiers,
              reportUrl: deps.reportUrl ? await deps.reportUrl(keys.html) : null,
            },
          },
          { sourceFor: deps.connectedSource },
        );
        if (deps.metricsNamespace) {
          for (const line of findingsAsEmf(report, {
            namespace: deps.metricsNamespace,
            pValue: 'p_value',
            score: 'score',
          })) {
            log(line);
          }
        }
        runs.push({
          model: m.name,
          version: m.version,
          worst: report.summary.worst,
          report: written.json,
          alerting: alerting?.status ?? null,
          threads,
        });
      } catch (e) {
        // One model's failure must not keep the others from being checked.
        const code = String((e as { code?: unknown })?.code ?? 'MONITOR_ERROR');
        runs.push({
          model: m.name,
          version: m.version,
          worst: null,
          report: null,
          alerting: null,
          error: { code, message: e instanceof Error ? e.message : String(e) },
        });
      }
    }
    log(JSON.stringify({ event: 'monitor_run', at: now.toISOString(), runs }));
    if (runs.some((r) => r.error)) throw new MonitorRunFailedError(runs);
    return { runs };
  };
}
