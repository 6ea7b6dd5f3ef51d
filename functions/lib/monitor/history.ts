/** Past reports of a model version: the dashboard's time series and the usual volume of a window. */
import type { ObjectStore } from '../records/store.ts';
import { REPORT_METRIC_KEYS } from '../report/metric-keys.ts';
import { isReportJsonKey } from './keys.ts';
import type { MonitorReport } from './types.ts';

/** Reports charted and consulted per run; older ones stay in storage. @default 90 */
export const HISTORY_LIMIT = 90;
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
  const out: MonitorReport[] = [];
  for (const key of keys.slice(-limit)) {
    const bytes = await store.getObject(key);
    if (!bytes) continue;
    try {
      const r = JSON.parse(new TextDecoder().decode(bytes)) as MonitorReport;
      if (r?.schemaVersion === 1) out.push(r);
    } catch {
      // A damaged old report must not stop today's run; it is simply not charted.
    }
  }
  return out;
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
