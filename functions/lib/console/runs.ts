/**
 * Monitoring runs of a model version as the console lists them: one per report JSON under
 * reports/model=<m>/version=<v>/, named by its window-end stamp, newest first.
 */
import { isReportJsonKey } from '../monitor/keys.ts';
import type { MonitorReport, Verdict, WindowRange } from '../monitor/types.ts';
import { reportsPrefix } from '../records/layout.ts';
import type { ObjectStore } from '../records/store.ts';
import { REPORT_METRIC_KEYS } from '../report/metric-keys.ts';

/** A run id is its window-end stamp, e.g. `2026-11-28T00-00-00.000Z`. */
const RUN_ID_RE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/;

export function isRunId(run: string): boolean {
  return RUN_ID_RE.test(run);
}

export function runKey(name: string, version: string, run: string): string {
  return `${reportsPrefix(name, version)}${run}.json`;
}

export function runIdOfKey(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1, -'.json'.length);
}

export interface RunSummary {
  run: string;
  window: WindowRange;
  run_at: string;
  worst: Verdict;
  counts: Record<Verdict, number>;
  /** Records in the current window, when the run counted them. */
  volume: number | null;
}

/** A finding reduced to what is charted over time. */
export interface FindingPoint {
  value: number | null;
  p_value: number | null;
  p_value_adjusted: number | null;
  verdict: Verdict;
  thresholds: { warning: number; alert: number };
  direction: 'low_is_drift' | 'high_is_drift';
}

/** What the console keeps of a report when it lists or charts runs (the projector is left out). */
export interface RunDigest {
  summary: RunSummary;
  findings: Record<string, FindingPoint>;
  titles: Record<string, string>;
  metrics: Record<string, number | null>;
}

/** Report keys of a model version, newest first. */
export async function listRunKeys(
  store: Pick<ObjectStore, 'list'>,
  name: string,
  version: string,
): Promise<string[]> {
  const keys = (await store.list(reportsPrefix(name, version))).filter(isReportJsonKey);
  return keys.reverse();
}

/** Parses a stored report, or null when it is not a schemaVersion 1 report. */
export function parseReport(bytes: Uint8Array): MonitorReport | null {
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as MonitorReport;
    return r?.schemaVersion === 1 && Array.isArray(r.findings) && r.summary ? r : null;
  } catch {
    return null;
  }
}

export function digestReport(key: string, report: MonitorReport): RunDigest {
  const volume = report.metrics?.[REPORT_METRIC_KEYS.volumeCurrent];
  const findings: Record<string, FindingPoint> = {};
  const titles: Record<string, string> = {};
  for (const f of report.findings) {
    findings[f.check] = {
      value: f.value,
      p_value: f.pValue,
      p_value_adjusted: f.pValueAdjusted,
      verdict: f.verdict,
      thresholds: f.thresholds,
      direction: f.direction,
    };
    titles[f.check] = f.title;
  }
  return {
    summary: {
      run: runIdOfKey(key),
      window: report.window,
      run_at: report.runAt,
      worst: report.summary.worst,
      counts: report.summary.counts,
      volume: typeof volume === 'number' ? volume : null,
    },
    findings,
    titles,
    metrics: report.metrics ?? {},
  };
}

/** A page of keys after `cursor` (a run id of the previous page), newest first. */
export function pageOf(
  keys: readonly string[],
  cursor: string | null,
  limit: number,
): { keys: string[]; nextCursor: string | null } {
  let start = 0;
  if (cursor) {
    // Keys are newest first, so the next page starts at the first run older than the cursor.
    start = keys.findIndex((k) => runIdOfKey(k) < cursor);
    if (start < 0) return { keys: [], nextCursor: null };
  }
  const page = keys.slice(start, start + limit);
  const more = start + limit < keys.length;
  return { keys: page, nextCursor: more && page.length > 0 ? runIdOfKey(page[page.length - 1]) : null };
}

/** Whether finding id `id` is check `check` itself or one of its segments (`check[field=value]`). */
export function isCheckOrSegment(id: string, check: string): boolean {
  return id === check || (id.startsWith(`${check}[`) && id.endsWith(']'));
}

export interface SeriesRequest {
  /** Finding ids; each brings its segments along. */
  checks: readonly string[];
  /** Metric keys; a trailing `*` matches a prefix (`label_share.*`). */
  metrics: readonly string[];
}

export interface Series {
  runs: { run: string; window_end: string; run_at: string; worst: Verdict }[];
  /** Per finding id, one entry per run (null where the run had no such finding). */
  findings: Record<string, (FindingPoint | null)[]>;
  titles: Record<string, string>;
  metrics: Record<string, (number | null)[]>;
}

/** Time series over digests given oldest first: gaps stay null, never zero. */
export function buildSeries(digests: readonly RunDigest[], request: SeriesRequest): Series {
  const findingIds = new Set<string>();
  const metricKeys = new Set<string>();
  const titles: Record<string, string> = {};
  for (const d of digests) {
    for (const id of Object.keys(d.findings))
      if (request.checks.some((c) => isCheckOrSegment(id, c))) {
        findingIds.add(id);
        titles[id] = d.titles[id] ?? id;
      }
    for (const k of Object.keys(d.metrics))
      if (request.metrics.some((m) => (m.endsWith('*') ? k.startsWith(m.slice(0, -1)) : k === m)))
        metricKeys.add(k);
  }
  const findings: Series['findings'] = {};
  for (const id of [...findingIds].sort()) findings[id] = digests.map((d) => d.findings[id] ?? null);
  const metrics: Series['metrics'] = {};
  for (const k of [...metricKeys].sort())
    metrics[k] = digests.map((d) => {
      const v = d.metrics[k];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    });
  return {
    runs: digests.map((d) => ({
      run: d.summary.run,
      window_end: d.summary.window.end,
      run_at: d.summary.run_at,
      worst: d.summary.worst,
    })),
    findings,
    titles,
    metrics,
  };
}
