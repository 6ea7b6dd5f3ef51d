/** The alert policy: which findings of a run are worth a message, given what was said before. */
import type { Finding, MonitorReport, Verdict } from '../monitor/types.ts';
import { AlertError } from './errors.ts';
import type {
  AlertEvent,
  AlertFinding,
  AlertNotification,
  AlertState,
  CheckAlertState,
  NotifyOn,
} from './types.ts';

export const DEFAULT_COOLDOWN_MS = 24 * 60 * 60 * 1000;

const RANK: Record<Verdict, number> = { ok: 0, insufficient_data: 0, warning: 1, alert: 2 };

/** ok and insufficient_data < warning < alert. */
export function severityRank(verdict: Verdict): number {
  return RANK[verdict];
}

export interface DecideAlertsInput {
  previous: AlertState | null;
  report: MonitorReport;
  now: Date;
  /** How long a finding that stays bad at the same severity stays quiet. */
  cooldownMs?: number;
  /** Lowest verdict that sends a message (default `alert`: warnings live in the report only). */
  notifyOn?: NotifyOn;
  reportUrl?: string | null;
}

export interface AlertDecision {
  notification: AlertNotification | null;
  next: AlertState;
  /** Set when the run's window was already processed, so nothing was decided. */
  skipped: 'already_processed' | null;
}

export function emptyAlertState(model: { name: string; version: string }): AlertState {
  return { schemaVersion: 1, model: { ...model }, lastWindowEnd: null, checks: {}, outbox: [] };
}

export function decideAlerts(input: DecideAlertsInput): AlertDecision {
  const { report, now } = input;
  const cooldownMs = input.cooldownMs ?? DEFAULT_COOLDOWN_MS;
  if (!Number.isFinite(cooldownMs) || cooldownMs < 0) {
    throw new AlertError(
      'ALERT_COOLDOWN_INVALID',
      `cooldown must be a non-negative number of ms, got ${cooldownMs}`,
    );
  }
  const threshold = severityRank(input.notifyOn ?? 'alert');
  const previous = input.previous ?? emptyAlertState(report.model);
  const windowEnd = report.window.end;

  // A window at or before the last one processed is a re-run (or a late backfill): it must not speak.
  if (previous.lastWindowEnd !== null && Date.parse(windowEnd) <= Date.parse(previous.lastWindowEnd)) {
    return { notification: null, next: previous, skipped: 'already_processed' };
  }

  const nowIso = now.toISOString();
  const checks: Record<string, CheckAlertState> = { ...previous.checks };
  const events: AlertEvent[] = [];

  for (const finding of report.findings) {
    const prev = previous.checks[finding.check] ?? null;
    const { state, event } = decideCheck(prev, finding, { windowEnd, nowIso, now, cooldownMs, threshold });
    checks[finding.check] = state;
    if (event) events.push(event);
  }

  const next: AlertState = { ...previous, lastWindowEnd: windowEnd, checks };
  if (events.length === 0) return { notification: null, next, skipped: null };

  events.sort(compareEvents);
  const notification: AlertNotification = {
    id: `${report.model.name}/${report.model.version}/${windowEnd}`,
    model: { ...report.model },
    window: { ...report.window },
    reference: report.reference,
    runAt: report.runAt,
    reportUrl: input.reportUrl ?? null,
    severity: notificationSeverity(events),
    events,
  };
  return { notification, next, skipped: null };
}

interface CheckContext {
  windowEnd: string;
  nowIso: string;
  now: Date;
  cooldownMs: number;
  threshold: number;
}

function decideCheck(
  prev: CheckAlertState | null,
  finding: Finding,
  ctx: CheckContext,
): { state: CheckAlertState; event: AlertEvent | null } {
  const verdict = finding.verdict;
  const base: CheckAlertState = {
    verdict,
    since: prev && prev.verdict === verdict ? prev.since : ctx.windowEnd,
    lastNotifiedAt: prev?.lastNotifiedAt ?? null,
    lastSeverity: prev?.lastSeverity ?? null,
    openedAt: prev?.openedAt ?? null,
    lastWindowEnd: ctx.windowEnd,
  };
  const open = base.lastSeverity;
  const firing = severityRank(verdict) >= ctx.threshold && severityRank(verdict) > 0;

  if (firing) {
    const severity = verdict as 'alert' | 'warning';
    let kind: AlertEvent['kind'] | null = null;
    if (open === null) kind = 'firing';
    else if (severityRank(severity) > severityRank(open)) kind = 'escalated';
    else if (cooledDown(base.lastNotifiedAt, ctx)) kind = 'reminder';
    if (kind === null) return { state: base, event: null };
    const openedAt = open === null ? ctx.windowEnd : (base.openedAt ?? ctx.windowEnd);
    // The notified severity only rises within an incident, so alert -> warning -> alert stays quiet.
    const lastSeverity = open !== null && severityRank(open) > severityRank(severity) ? open : severity;
    return {
      state: { ...base, lastNotifiedAt: ctx.nowIso, lastSeverity, openedAt },
      event: { kind, check: finding.check, previousSeverity: open, openedAt, finding: slim(finding) },
    };
  }

  // Too little data says nothing about recovery, so an open incident stays open.
  if (open === null || verdict === 'insufficient_data') return { state: base, event: null };
  const openedAt = base.openedAt ?? base.since;
  return {
    state: { ...base, lastNotifiedAt: ctx.nowIso, lastSeverity: null, openedAt: null },
    event: {
      kind: 'resolved',
      check: finding.check,
      previousSeverity: open,
      openedAt,
      finding: slim(finding),
    },
  };
}

function cooledDown(lastNotifiedAt: string | null, ctx: CheckContext): boolean {
  if (lastNotifiedAt === null) return true;
  return ctx.now.getTime() - Date.parse(lastNotifiedAt) >= ctx.cooldownMs;
}

function slim(finding: Finding): AlertFinding {
  const { details: _details, ...rest } = finding;
  return rest;
}

function notificationSeverity(events: AlertEvent[]): AlertNotification['severity'] {
  let worst = 0;
  for (const e of events) if (e.kind !== 'resolved') worst = Math.max(worst, severityRank(e.finding.verdict));
  return worst === 2 ? 'alert' : worst === 1 ? 'warning' : 'resolved';
}

/** Bad news first (worst severity, then strongest evidence), recoveries last, then by check id. */
function compareEvents(a: AlertEvent, b: AlertEvent): number {
  const ra = a.kind === 'resolved' ? -1 : severityRank(a.finding.verdict);
  const rb = b.kind === 'resolved' ? -1 : severityRank(b.finding.verdict);
  if (ra !== rb) return rb - ra;
  const pa = a.finding.pValueAdjusted ?? Number.POSITIVE_INFINITY;
  const pb = b.finding.pValueAdjusted ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa - pb;
  return a.check < b.check ? -1 : a.check > b.check ? 1 : 0;
}
