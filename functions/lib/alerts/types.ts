/** The alerting vocabulary: what a run decided to say, and what is remembered between runs. */
import type { Finding, MonitorReport, Verdict, WindowRange } from '../monitor/types.ts';

/** Which verdicts send a message; the others only show in the report. */
export type NotifyOn = 'alert' | 'warning';

export type AlertEventKind = 'firing' | 'escalated' | 'reminder' | 'resolved';

/** A finding as carried in a message: `details` is left to the report to keep messages small. */
export type AlertFinding = Omit<Finding, 'details'>;

export interface AlertEvent {
  kind: AlertEventKind;
  check: string;
  /** The severity last notified before this event (null for a new incident). */
  previousSeverity: Verdict | null;
  /** Window end at which the incident began. */
  openedAt: string;
  finding: AlertFinding;
}

/** One message: every finding of one run that fires, escalates, repeats or resolves together. */
export interface AlertNotification {
  /** Deterministic (model/version/window end), so a retried delivery is recognisably the same message. */
  id: string;
  model: { name: string; version: string };
  window: WindowRange;
  reference: MonitorReport['reference'];
  runAt: string;
  reportUrl: string | null;
  /** Worst severity among the events; `resolved` when every event is a recovery. */
  severity: 'alert' | 'warning' | 'resolved';
  /** Worst first, recoveries last. */
  events: AlertEvent[];
}

export interface CheckAlertState {
  verdict: Verdict;
  /** Window end at which `verdict` was first seen. */
  since: string;
  lastNotifiedAt: string | null;
  /** Severity of the open incident as last notified; null when nothing is open. */
  lastSeverity: 'alert' | 'warning' | null;
  /** Window end at which the open incident began; null when nothing is open. */
  openedAt: string | null;
  lastWindowEnd: string;
}

/** A message claimed for delivery; it stays here until every channel took it. */
export interface OutboxEntry {
  notification: AlertNotification;
  /** Channels (notifier names) that have not yet accepted the message. */
  channels: string[];
  status: 'sending' | 'failed';
  /** When a run claimed it; an old `sending` claim means that run died and the entry is retried. */
  claimedAt: string;
  attempts: number;
  lastError: string | null;
}

export interface AlertState {
  schemaVersion: 1;
  model: { name: string; version: string };
  lastWindowEnd: string | null;
  checks: Record<string, CheckAlertState>;
  outbox: OutboxEntry[];
}
