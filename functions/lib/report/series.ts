/** Time series across past runs, read from `MonitorReport.metrics` under the keys in metric-keys.ts. */

import type { MonitorReport } from '../monitor/types.ts';
import {
  INTEGRITY_PREFIX,
  INTEGRITY_RATE_SUFFIXES,
  REPORT_METRIC_KEYS as K,
  LABEL_SHARE_PREFIX,
  PERFORMANCE_PREFIX,
} from './metric-keys.ts';

export interface SeriesLine {
  name: string;
  key: string;
  /** Right-hand axis, for a line on another scale. */
  rightAxis?: boolean;
  /** One value per run, aligned with `TimeSeries.times`; null is a gap. */
  values: (number | null)[];
}

export interface TimeSeriesChart {
  id: string;
  title: string;
  /** Fixed [0, 1] axis for rates, shares and p-values. */
  unitInterval: boolean;
  lines: SeriesLine[];
}

export interface TimeSeries {
  /** Window end of each run, ascending. */
  times: string[];
  /** Charts with at least one value; charts with none are left out. */
  charts: TimeSeriesChart[];
}

/** One report per window end, the latest run winning, the current report always included. */
export function orderRuns(report: MonitorReport, history: MonitorReport[]): MonitorReport[] {
  const byEnd = new Map<string, MonitorReport>();
  for (const r of history) {
    const seen = byEnd.get(r.window.end);
    if (!seen || seen.runAt < r.runAt) byEnd.set(r.window.end, r);
  }
  byEnd.set(report.window.end, report);
  return [...byEnd.values()].sort((a, b) => Date.parse(a.window.end) - Date.parse(b.window.end));
}

function keysWith(runs: MonitorReport[], keep: (key: string) => boolean): string[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) if (keep(k)) keys.add(k);
  return [...keys].sort();
}

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function buildTimeSeries(report: MonitorReport, history: MonitorReport[]): TimeSeries {
  const runs = orderRuns(report, history);
  const line = (name: string, key: string, rightAxis = false): SeriesLine => ({
    name,
    key,
    ...(rightAxis ? { rightAxis } : {}),
    values: runs.map((r) => finite(r.metrics[key])),
  });
  const stripped = (key: string, prefix: string) => key.slice(prefix.length);
  const charts: TimeSeriesChart[] = [
    {
      id: 'embedding-p-value',
      title: 'Embedding drift p-value (MMD)',
      unitInterval: true,
      lines: [line('p-value', K.embeddingDriftPValue)],
    },
    {
      id: 'embedding-distance',
      title: 'Embedding distance',
      unitInterval: false,
      lines: [
        line('centroid cosine', K.centroidCosine),
        line('MMD²', K.embeddingDriftMmd),
        line('centroid euclidean', K.centroidEuclidean, true),
        line('domain classifier AUC', K.embeddingDomainAuc, true),
      ],
    },
    {
      id: 'volume',
      title: 'Volume',
      unitInterval: false,
      lines: [line('records', K.volumeCurrent), line('usual', K.volumeExpected)],
    },
    {
      id: 'label-shares',
      title: 'Label shares',
      unitInterval: true,
      lines: keysWith(runs, (k) => k.startsWith(LABEL_SHARE_PREFIX)).map((k) =>
        line(stripped(k, LABEL_SHARE_PREFIX), k),
      ),
    },
    {
      id: 'performance',
      title: 'Accuracy',
      unitInterval: true,
      lines: keysWith(runs, (k) => k.startsWith(PERFORMANCE_PREFIX)).map((k) =>
        line(stripped(k, PERFORMANCE_PREFIX).replaceAll('_', ' '), k),
      ),
    },
    {
      id: 'integrity',
      title: 'Integrity rates',
      unitInterval: true,
      lines: keysWith(
        runs,
        (k) => k.startsWith(INTEGRITY_PREFIX) && INTEGRITY_RATE_SUFFIXES.some((s) => k.endsWith(s)),
      ).map((k) => line(stripped(k, INTEGRITY_PREFIX).replaceAll('_', ' '), k)),
    },
  ];
  return {
    times: runs.map((r) => r.window.end),
    charts: charts
      .map((c) => ({ ...c, lines: c.lines.filter((l) => l.values.some((v) => v !== null)) }))
      .filter((c) => c.lines.length > 0),
  };
}
