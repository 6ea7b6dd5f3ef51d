// Builders for monitor reports and findings, so each test states only what it is about.
import type { Finding, MonitorReport, Verdict } from '../../../functions/lib/monitor/types.ts';

export function finding(check: string, verdict: Verdict, overrides: Partial<Finding> = {}): Finding {
  return {
    check,
    group: 'embedding_drift',
    title: `Check ${check}`,
    method: 'mmd',
    value: verdict === 'alert' ? 0.042 : verdict === 'warning' ? 0.015 : 0.002,
    thresholds: { warning: 0.01, alert: 0.02 },
    direction: 'high_is_drift',
    pValue: verdict === 'ok' ? 0.4 : 0.001,
    pValueAdjusted: verdict === 'ok' ? 0.6 : 0.003,
    referenceSize: 5000,
    currentSize: 1200,
    minSampleSize: 100,
    verdict,
    message: `${check} is ${verdict}`,
    details: { big: 'left to the report' },
    ...overrides,
  };
}

const HOUR = 3_600_000;

/** A report for the 24 h window ending `end`. */
export function report(
  end: string,
  findings: Finding[],
  model = { name: 'sentiment', version: '3' },
): MonitorReport {
  const start = new Date(Date.parse(end) - 24 * HOUR).toISOString();
  const counts: Record<Verdict, number> = { ok: 0, warning: 0, alert: 0, insufficient_data: 0 };
  for (const f of findings) counts[f.verdict]++;
  return {
    schemaVersion: 1,
    model,
    runAt: end,
    window: { start, end },
    reference: { kind: 'baseline', size: 5000 },
    findings,
    summary: { worst: counts.alert ? 'alert' : counts.warning ? 'warning' : 'ok', counts },
    distributions: {
      scores: { edges: [0, 1], reference: [1], current: [1] },
      labels: { labels: ['neg', 'pos'], reference: [1, 1], current: [1, 1] },
    },
    metrics: {},
  };
}

/** The hour `h` hours after 2026-01-01T00:00Z, as an ISO string. */
export function hour(h: number): string {
  return new Date(Date.UTC(2026, 0, 1) + h * HOUR).toISOString();
}

export { HOUR };
