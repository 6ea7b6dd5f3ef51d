/** Past reports of a model version: the dashboard's time series and the usual volume of a window. */
import type { ObjectStore } from '../records/store.ts';
import { REPORT_METRIC_KEYS } from '../report/metric-keys.ts';
import { isReportJsonKey } from './keys.ts';
import type { MonitorReport } from './types.ts';

/** Reports charted and consulted per run; older ones stay in storage. @default 90 */
export const HISTORY_LIMIT = 90;
const HISTORY_READ_CONCURRENCY = 8;
/** Past windows of the same length whose volumes make the usual volume. */
const VOLUME_LOOKBACK = 7;

/** The newest `limit` reports under `prefix`, oldest first, leaving out `exceptKey` (a re-run). */
export async function loadReportHistory(
  store: ObjectStore,
  prefix: string,
  exceptKey: string,
  limit = HISTORY_LIMIT,
): Promise<MonitorReport[]> {
  const keys = (await store.list(prefix)).filter(
    (k) => isReportJsonKey(k) && k !== exceptKey && k < exceptKey,
  );
  const wanted = keys.slice(-limit);
  const loaded: (MonitorReport | null)[] = new Array(wanted.length).fill(null);
  let next = 0;
  // A few reads at a time: on S3 ninety sequential GETs would dominate the run.
  const worker = async () => {
    while (next < wanted.length) {
      const i = next++;
      const bytes = await store.getObject(wanted[i]);
      if (!bytes) continue;
      try {
        const r = JSON.parse(new TextDecoder().decode(bytes)) as MonitorReport;
        // Only the time series is charted from history; the projector sample is the bulk of a report.
        if (r?.schemaVersion === 1) loaded[i] = { ...r, projector: undefined };
      } catch {
        // A damaged old report must not stop today's run; it is simply not charted.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HISTORY_READ_CONCURRENCY, wanted.length) }, worker));
  return loaded.filter((r): r is MonitorReport => r !== null);
}

/** Median record count of the latest past windows as long as this one, or null without such history. */
export function usualVolume(history: readonly MonitorReport[], windowMs: number): number | null {
  const counts: number[] = [];
  for (let i = history.length - 1; i >= 0 && counts.length < VOLUME_LOOKBACK; i--) {
    const r = history[i];
    const length = Date.parse(r.window.end) - Date.parse(r.window.start);
    const n = r.metrics?.[REPORT_METRIC_KEYS.volumeCurrent];
    if (Math.abs(length - windowMs) <= 1000 && typeof n === 'number' && n > 0) counts.push(n);
  }
  if (counts.length === 0) return null;
  counts.sort((a, b) => a - b);
  const mid = counts.length >> 1;
  return counts.length % 2 ? counts[mid] : (counts[mid - 1] + counts[mid]) / 2;
}
