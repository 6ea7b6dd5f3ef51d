import { describe, expect, it } from 'vitest';
import { AlertError } from '../../../functions/lib/alerts/errors.ts';
import { DEFAULT_COOLDOWN_MS, decideAlerts, severityRank } from '../../../functions/lib/alerts/policy.ts';
import type { AlertNotification, AlertState, NotifyOn } from '../../../functions/lib/alerts/types.ts';
import type { Finding } from '../../../functions/lib/monitor/types.ts';
import { finding, HOUR, hour, report } from './report-fixture.ts';

/** Plays hourly runs through the policy with a controlled clock, carrying state like the store would. */
function series(options: { cooldownMs?: number; notifyOn?: NotifyOn } = {}) {
  let state: AlertState | null = null;
  return (h: number, findings: Finding[], nowHour = h): AlertNotification | null => {
    const decision = decideAlerts({
      previous: state,
      report: report(hour(h), findings),
      now: new Date(hour(nowHour)),
      ...options,
    });
    state = decision.next;
    return decision.notification;
  };
}

describe('decideAlerts', () => {
  it('orders severities ok = insufficient_data < warning < alert', () => {
    expect(severityRank('ok')).toBe(severityRank('insufficient_data'));
    expect(severityRank('ok')).toBeLessThan(severityRank('warning'));
    expect(severityRank('warning')).toBeLessThan(severityRank('alert'));
  });

  it('sends once when a finding turns bad, stays silent while it stays bad, repeats after the cooldown', () => {
    const run = series();
    expect(run(0, [finding('mmd', 'ok')])).toBeNull();

    const first = run(1, [finding('mmd', 'alert')]);
    expect(first?.events.map((e) => [e.kind, e.check])).toEqual([['firing', 'mmd']]);
    expect(first?.severity).toBe('alert');

    for (let h = 2; h <= 24; h++) expect(run(h, [finding('mmd', 'alert')]), `hour ${h}`).toBeNull();

    // 24 h after the first message (sent at hour 1) the cooldown has passed.
    const reminder = run(25, [finding('mmd', 'alert')]);
    expect(reminder?.events.map((e) => e.kind)).toEqual(['reminder']);
    expect(reminder?.events[0].openedAt).toBe(hour(1));
    expect(run(26, [finding('mmd', 'alert')])).toBeNull();
  });

  it('honours a configured cooldown', () => {
    const run = series({ cooldownMs: 2 * HOUR });
    expect(run(0, [finding('mmd', 'alert')])?.events[0].kind).toBe('firing');
    expect(run(1, [finding('mmd', 'alert')])).toBeNull();
    expect(run(2, [finding('mmd', 'alert')])?.events[0].kind).toBe('reminder');
    expect(DEFAULT_COOLDOWN_MS).toBe(24 * HOUR);
  });

  it('sends "resolved" when a bad finding recovers, then nothing more', () => {
    const run = series();
    run(0, [finding('mmd', 'alert')]);
    const resolved = run(1, [finding('mmd', 'ok')]);
    expect(resolved?.severity).toBe('resolved');
    expect(resolved?.events).toHaveLength(1);
    expect(resolved?.events[0]).toMatchObject({
      kind: 'resolved',
      previousSeverity: 'alert',
      openedAt: hour(0),
    });
    expect(run(2, [finding('mmd', 'ok')])).toBeNull();
    // A new incident after recovery is new again, cooldown or not.
    expect(run(3, [finding('mmd', 'alert')])?.events[0].kind).toBe('firing');
  });

  it('notifies only alerts by default; warnings stay in the report', () => {
    const run = series();
    expect(run(0, [finding('mmd', 'warning')])).toBeNull();
    expect(run(1, [finding('mmd', 'alert')])?.events[0].kind).toBe('firing');
  });

  it('with notifyOn warning, a rise from warning to alert is sent within the cooldown', () => {
    const run = series({ notifyOn: 'warning' });
    const w = run(0, [finding('mmd', 'warning')]);
    expect(w?.severity).toBe('warning');
    const up = run(1, [finding('mmd', 'alert')]);
    expect(up?.events[0]).toMatchObject({
      kind: 'escalated',
      previousSeverity: 'warning',
      openedAt: hour(0),
    });
    // Back down and up again is not a new rise: the notified severity is still alert.
    expect(run(2, [finding('mmd', 'warning')])).toBeNull();
    expect(run(3, [finding('mmd', 'alert')])).toBeNull();
    expect(run(4, [finding('mmd', 'ok')])?.events[0]).toMatchObject({
      kind: 'resolved',
      previousSeverity: 'alert',
    });
  });

  it('with notifyOn alert, dropping from alert to warning counts as resolved', () => {
    const run = series();
    run(0, [finding('mmd', 'alert')]);
    const n = run(1, [finding('mmd', 'warning')]);
    expect(n?.events[0]).toMatchObject({ kind: 'resolved', previousSeverity: 'alert' });
    expect(n?.events[0].finding.verdict).toBe('warning');
  });

  it('keeps an incident open through insufficient data and resolves it only on a real recovery', () => {
    const run = series();
    run(0, [finding('mmd', 'alert')]);
    expect(run(1, [finding('mmd', 'insufficient_data')])).toBeNull();
    expect(run(2, [finding('mmd', 'alert')])).toBeNull();
    expect(run(3, [finding('mmd', 'ok')])?.events[0].kind).toBe('resolved');
  });

  it('a re-run of a processed window sends nothing and leaves the state as it was', () => {
    const first = decideAlerts({
      previous: null,
      report: report(hour(5), [finding('mmd', 'alert')]),
      now: new Date(hour(5)),
    });
    expect(first.notification).not.toBeNull();
    for (const end of [hour(5), hour(4)]) {
      const again = decideAlerts({
        previous: first.next,
        report: report(end, [finding('mmd', 'ok'), finding('ks', 'alert')]),
        now: new Date(hour(30)),
      });
      expect(again.notification).toBeNull();
      expect(again.skipped).toBe('already_processed');
      expect(again.next).toEqual(first.next);
    }
  });

  it('groups everything that fires, rises or recovers in one run into one message, worst first', () => {
    const run = series({ notifyOn: 'warning' });
    run(0, [finding('a', 'alert'), finding('b', 'ok'), finding('c', 'ok')]);
    const n = run(1, [
      finding('a', 'ok'),
      finding('b', 'warning', { pValueAdjusted: 0.02 }),
      finding('c', 'alert', { pValueAdjusted: 0.04 }),
      finding('d', 'alert', { pValueAdjusted: 0.001 }),
    ]);
    expect(n?.events.map((e) => `${e.kind}:${e.check}`)).toEqual([
      'firing:d',
      'firing:c',
      'firing:b',
      'resolved:a',
    ]);
    expect(n?.severity).toBe('alert');
    expect(n?.id).toBe(`sentiment/3/${hour(1)}`);
    // Messages carry the finding without its bulky details.
    expect(n?.events[0].finding).not.toHaveProperty('details');
  });

  it('records per-check state for the next run', () => {
    const d = decideAlerts({
      previous: null,
      report: report(hour(1), [finding('mmd', 'alert')]),
      now: new Date(hour(2)),
    });
    expect(d.next.lastWindowEnd).toBe(hour(1));
    expect(d.next.checks.mmd).toEqual({
      verdict: 'alert',
      since: hour(1),
      lastNotifiedAt: hour(2),
      lastSeverity: 'alert',
      openedAt: hour(1),
      lastWindowEnd: hour(1),
    });
  });

  it('refuses a negative cooldown with a stable code', () => {
    const call = () =>
      decideAlerts({ previous: null, report: report(hour(1), []), now: new Date(hour(1)), cooldownMs: -1 });
    expect(call).toThrow(AlertError);
    expect(call).toThrow(/ALERT_COOLDOWN_INVALID/);
  });
});
