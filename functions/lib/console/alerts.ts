/** Open alerts of a model version as the console shows them, from its alert state (alerts.json). */
import type { AlertState } from '../alerts/types.ts';
import type { Verdict } from '../monitor/types.ts';

export interface OpenAlert {
  check: string;
  /** Severity last notified. */
  severity: 'alert' | 'warning';
  /** The verdict of the latest run. */
  verdict: Verdict;
  opened_at: string | null;
  last_notified_at: string | null;
  last_window_end: string;
}

/** Checks with an incident open (notified and not yet resolved), worst first, then oldest first. */
export function openAlerts(state: AlertState | null): OpenAlert[] {
  if (!state) return [];
  const open: OpenAlert[] = [];
  for (const [check, s] of Object.entries(state.checks)) {
    if (s.lastSeverity !== 'alert' && s.lastSeverity !== 'warning') continue;
    open.push({
      check,
      severity: s.lastSeverity,
      verdict: s.verdict,
      opened_at: s.openedAt,
      last_notified_at: s.lastNotifiedAt,
      last_window_end: s.lastWindowEnd,
    });
  }
  const rank = { alert: 0, warning: 1 };
  return open.sort(
    (a, b) =>
      rank[a.severity] - rank[b.severity] ||
      (a.opened_at ?? '').localeCompare(b.opened_at ?? '') ||
      a.check.localeCompare(b.check),
  );
}
