/**
 * A report's findings as CloudWatch Embedded Metric Format log lines (namespace, dimensions model,
 * version, check; metrics p_value and score), so the Lambda publishes metrics by logging, with no SDK call.
 */
import type { MonitorReport } from './types.ts';

export interface DriftMetricNames {
  namespace: string;
  pValue: string;
  score: string;
}

export const DEFAULT_DRIFT_METRIC_NAMES: DriftMetricNames = {
  namespace: 'Vigil',
  pValue: 'p_value',
  score: 'score',
};

export function findingsAsEmf(
  report: MonitorReport,
  names: DriftMetricNames = DEFAULT_DRIFT_METRIC_NAMES,
): string[] {
  const timestamp = Date.parse(report.window.end);
  const lines: string[] = [];
  for (const f of report.findings) {
    if (f.verdict === 'insufficient_data') continue;
    const values: Record<string, number> = {};
    if (f.pValue !== null && Number.isFinite(f.pValue)) values[names.pValue] = f.pValue;
    if (f.value !== null && Number.isFinite(f.value)) values[names.score] = f.value;
    if (Object.keys(values).length === 0) continue;
    lines.push(
      JSON.stringify({
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [
            {
              Namespace: names.namespace,
              Dimensions: [['model', 'version', 'check']],
              Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'None' })),
            },
          ],
        },
        model: report.model.name,
        version: report.model.version,
        check: f.check,
        verdict: f.verdict,
        ...values,
      }),
    );
  }
  return lines;
}
