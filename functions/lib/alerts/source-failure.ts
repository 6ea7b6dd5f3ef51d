/**
 * The operational alert of a connected model: "the monitor could not read its source". A failed run
 * becomes a synthetic finding `operations.source` (verdict alert) passed through the same alerting
 * pass as drift — deduplicated, cooled down, resolved when a later run reads the source again — with
 * its own state file, so it never marks a window as processed for the drift findings.
 */

import type { Finding, MonitorReport, Verdict } from '../monitor/types.ts';
import { alertStateKey as layoutAlertStateKey } from '../records/layout.ts';
import type { Notifier } from './notifier.ts';
import { type RunAlertingResult, runAlerting } from './run.ts';
import type { ConditionalStore } from './state.ts';

export const SOURCE_CHECK = 'operations.source';

/** state/model=<m>/version=<v>/operations.json, beside the drift alerts' state. */
export function operationsStateKey(model: { name: string; version: string }): string {
  return layoutAlertStateKey(model.name, model.version).replace(/alerts\.json$/, 'operations.json');
}

function operationsReport(
  model: { name: string; version: string },
  window: { start: string; end: string },
  now: Date,
  verdict: Verdict,
  message: string,
  error: { code: string; source: string } | null,
): MonitorReport {
  const finding: Finding = {
    check: SOURCE_CHECK,
    group: 'integrity',
    title: 'Source readable',
    method: null,
    value: verdict === 'ok' ? 0 : 1,
    thresholds: { warning: 1, alert: 1 },
    direction: 'high_is_drift',
    pValue: null,
    pValueAdjusted: null,
    referenceSize: 0,
    currentSize: 0,
    minSampleSize: 0,
    verdict,
    message,
    details: error ? { code: error.code, source: error.source } : undefined,
  };
  const counts: Record<Verdict, number> = { ok: 0, warning: 0, alert: 0, insufficient_data: 0 };
  counts[verdict] = 1;
  return {
    schemaVersion: 1,
    model: { ...model },
    runAt: now.toISOString(),
    window,
    reference: { kind: 'baseline', size: 0 },
    findings: [finding],
    summary: { worst: verdict, counts },
    distributions: {
      scores: { edges: [], reference: [], current: [] },
      labels: { labels: [], reference: [], current: [] },
    },
    metrics: {},
  };
}

export interface SourceAlertInput {
  store: ConditionalStore;
  model: { name: string; version: string };
  /** The window the run was to check. */
  window: { start: string; end: string };
  now: Date;
  notifiers: Notifier[];
  /** The source as named in messages (no secrets). */
  source: string;
  dryRun?: boolean;
  cooldownMs?: number;
}

/** Alerts that the run stopped on its source (`error.code` SOURCE_UNAVAILABLE / SOURCE_SCHEMA_ERROR). */
export function alertSourceFailure(
  input: SourceAlertInput & { error: { code: string; message: string } },
): Promise<RunAlertingResult> {
  const message = `The monitor could not read its source (${input.source}): ${input.error.code}: ${input.error.message}`;
  return runAlerting({
    store: input.store,
    key: operationsStateKey(input.model),
    report: operationsReport(input.model, input.window, input.now, 'alert', message, {
      code: input.error.code,
      source: input.source,
    }),
    now: input.now,
    notifiers: input.notifiers,
    dryRun: input.dryRun,
    cooldownMs: input.cooldownMs,
  });
}

/** Records that the source was read: a "resolved" message when it had been failing, else nothing. */
export function noteSourceReadable(input: SourceAlertInput): Promise<RunAlertingResult> {
  return runAlerting({
    store: input.store,
    key: operationsStateKey(input.model),
    report: operationsReport(
      input.model,
      input.window,
      input.now,
      'ok',
      `The monitor read its source (${input.source}).`,
      null,
    ),
    now: input.now,
    notifiers: input.notifiers,
    dryRun: input.dryRun,
    cooldownMs: input.cooldownMs,
  });
}
