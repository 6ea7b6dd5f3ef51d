import { describe, expect, it } from 'vitest';
import type { DeliveryResult, Notifier } from '../../../functions/lib/alerts/notifier.ts';
import { runAlerting } from '../../../functions/lib/alerts/run.ts';
import { alertStateKey } from '../../../functions/lib/alerts/state.ts';
import type { AlertNotification, AlertState } from '../../../functions/lib/alerts/types.ts';
import { MemoryStore } from './memory-store.ts';
import { finding, HOUR, hour, report } from './report-fixture.ts';

/** A channel that records what it got and fails while `failing` is set. */
class RecordingNotifier implements Notifier {
  readonly sent: AlertNotification[] = [];
  failing = false;
  constructor(readonly name: string) {}
  async send(n: AlertNotification): Promise<DeliveryResult> {
    if (this.failing) return { channel: this.name, ok: false, attempts: 2, error: 'HTTP 500' };
    this.sent.push(n);
    return { channel: this.name, ok: true, attempts: 1 };
  }
}

const KEY = alertStateKey({ name: 'sentiment', version: '3' });

describe('runAlerting', () => {
  it('uses the state path next to the reports', () => {
    expect(KEY).toBe('state/model=sentiment/version=3/alerts.json');
    expect(() => alertStateKey({ name: '../x', version: '1' })).toThrow(/cannot be a partition value/);
  });

  it('sends once, writes state, and a re-run of the window sends nothing new', async () => {
    const store = new MemoryStore();
    const slack = new RecordingNotifier('webhook');
    const r = report(hour(1), [finding('mmd', 'alert')]);
    const first = await runAlerting({ store, report: r, now: new Date(hour(1)), notifiers: [slack] });
    expect(first.status).toBe('delivered');
    expect(slack.sent.map((n) => n.id)).toEqual([`sentiment/3/${hour(1)}`]);
    const state = store.json(KEY) as AlertState;
    expect(state.lastWindowEnd).toBe(hour(1));
    expect(state.outbox).toEqual([]);

    const again = await runAlerting({ store, report: r, now: new Date(hour(2)), notifiers: [slack] });
    expect(again.status).toBe('already_processed');
    expect(slack.sent).toHaveLength(1);
    expect(store.puts).toBe(2); // the claim and the settle of the first run, nothing from the re-run
  });

  it('routes each severity to the channels a model version names (monitors.channels)', async () => {
    const store = new MemoryStore();
    const sns = Object.assign(new RecordingNotifier('sns'), { channels: ['email', 'slack'] });
    const hook = Object.assign(new RecordingNotifier('webhook'), { channels: ['webhook'] });
    const routes = { alert: ['email', 'webhook'], warning: ['webhook'] };
    await runAlerting({
      store,
      report: report(hour(1), [finding('ks', 'warning')]),
      now: new Date(hour(1)),
      notifiers: [sns, hook],
      routes,
      notifyOn: 'warning',
    });
    expect(sns.sent).toHaveLength(0);
    expect(hook.sent.map((n) => n.severity)).toEqual(['warning']);
    await runAlerting({
      store,
      report: report(hour(2), [finding('ks', 'alert')]),
      now: new Date(hour(2)),
      notifiers: [sns, hook],
      routes,
      notifyOn: 'warning',
    });
    expect(sns.sent.map((n) => n.severity)).toEqual(['alert']);
    expect(hook.sent.map((n) => n.severity)).toEqual(['warning', 'alert']);
  });

  it('two concurrent runs on the same window produce exactly one message', async () => {
    const store = new MemoryStore();
    const slack = new RecordingNotifier('webhook');
    const r = report(hour(1), [finding('mmd', 'alert'), finding('ks', 'alert')]);
    const results = await Promise.all(
      [0, 1].map(() => runAlerting({ store, report: r, now: new Date(hour(1)), notifiers: [slack] })),
    );
    expect(slack.sent).toHaveLength(1);
    expect(slack.sent[0].events.map((e) => e.check).sort()).toEqual(['ks', 'mmd']);
    expect(results.map((x) => x.status).sort()).toEqual(['already_processed', 'delivered']);
    expect(store.conflicts).toBeGreaterThan(0);
  });

  it('a dry run shows what would be sent and changes no state', async () => {
    const store = new MemoryStore();
    const slack = new RecordingNotifier('webhook');
    const dry = await runAlerting({
      store,
      report: report(hour(1), [finding('mmd', 'alert')]),
      now: new Date(hour(1)),
      notifiers: [slack],
      dryRun: true,
    });
    expect(dry.status).toBe('dry_run');
    expect(dry.wouldSend.map((n) => n.events[0].check)).toEqual(['mmd']);
    expect(slack.sent).toEqual([]);
    expect(store.objects.size).toBe(0);
  });

  it('keeps a failed delivery pending and retries only the failed channel on the next run', async () => {
    const store = new MemoryStore();
    const email = new RecordingNotifier('sns');
    const slack = new RecordingNotifier('webhook');
    slack.failing = true;
    const notifiers = [email, slack];

    const r1 = await runAlerting({
      store,
      report: report(hour(1), [finding('mmd', 'alert')]),
      now: new Date(hour(1)),
      notifiers,
    });
    expect(r1.status).toBe('delivery_failed');
    expect(r1.pending).toBe(1);
    expect(r1.deliveries[0].results.map((x) => [x.channel, x.ok])).toEqual([
      ['sns', true],
      ['webhook', false],
    ]);
    const state = store.json(KEY) as AlertState;
    expect(state.outbox).toMatchObject([
      { channels: ['webhook'], status: 'failed', attempts: 1, lastError: 'webhook: HTTP 500' },
    ]);
    // The alert itself is remembered as sent, so the next window does not fire it anew.
    expect(state.checks.mmd.lastSeverity).toBe('alert');

    // Still failing: still pending, attempts counted.
    await runAlerting({
      store,
      report: report(hour(2), [finding('mmd', 'alert')]),
      now: new Date(hour(2)),
      notifiers,
    });
    expect((store.json(KEY) as AlertState).outbox[0].attempts).toBe(2);

    slack.failing = false;
    const r3 = await runAlerting({
      store,
      report: report(hour(3), [finding('mmd', 'alert')]),
      now: new Date(hour(3)),
      notifiers,
    });
    expect(r3.status).toBe('delivered');
    expect(r3.notification).toBeNull();
    expect(slack.sent.map((n) => n.window.end)).toEqual([hour(1)]);
    expect(email.sent).toHaveLength(1);
    expect((store.json(KEY) as AlertState).outbox).toEqual([]);
  });

  it('retries a claim left by a run that died, but not one another run is still sending', async () => {
    const store = new MemoryStore();
    const crashed = { name: 'webhook', send: () => new Promise<DeliveryResult>(() => {}) };
    // A run claims, then hangs forever in send: simulate by not awaiting it.
    void runAlerting({
      store,
      report: report(hour(1), [finding('mmd', 'alert')]),
      now: new Date(hour(1)),
      notifiers: [crashed],
    });
    await new Promise((r) => setTimeout(r, 20));
    expect((store.json(KEY) as AlertState).outbox[0].status).toBe('sending');

    const slack = new RecordingNotifier('webhook');
    const soon = await runAlerting({
      store,
      report: report(hour(1), []),
      now: new Date(Date.parse(hour(1)) + 60_000),
      notifiers: [slack],
    });
    expect(soon.status).toBe('already_processed');
    expect(slack.sent).toEqual([]);

    const later = await runAlerting({
      store,
      report: report(hour(2), [finding('mmd', 'alert')]),
      now: new Date(Date.parse(hour(1)) + HOUR),
      notifiers: [slack],
    });
    expect(later.status).toBe('delivered');
    expect(slack.sent.map((n) => n.window.end)).toEqual([hour(1)]);
  });

  it('re-decides on a lost race instead of overwriting the other run', async () => {
    const store = new MemoryStore();
    const slack = new RecordingNotifier('webhook');
    const realPut = store.putIfVersion.bind(store);
    let interfered = false;
    store.putIfVersion = async (key, body, version) => {
      if (!interfered) {
        interfered = true;
        // Another run lands first with an alert on a different check.
        const other = await runAlerting({
          store,
          report: report(hour(1), [finding('ks', 'alert')]),
          now: new Date(hour(1)),
          notifiers: [new RecordingNotifier('webhook')],
        });
        expect(other.status).toBe('delivered');
      }
      return realPut(key, body, version);
    };
    const r = await runAlerting({
      store,
      report: report(hour(2), [finding('ks', 'alert'), finding('mmd', 'alert')]),
      now: new Date(hour(2)),
      notifiers: [slack],
    });
    // Re-read saw ks already open, so only mmd is new.
    expect(r.notification?.events.map((e) => e.check)).toEqual(['mmd']);
    const state = store.json(KEY) as AlertState;
    expect(Object.keys(state.checks).sort()).toEqual(['ks', 'mmd']);
  });

  it('refuses a state file it cannot read instead of starting over and re-alerting', async () => {
    const store = new MemoryStore();
    await store.putIfVersion(KEY, new TextEncoder().encode('{"schemaVersion":2}'), null);
    await expect(
      runAlerting({ store, report: report(hour(1), []), now: new Date(hour(1)), notifiers: [] }),
    ).rejects.toThrow(/ALERT_STATE_CORRUPT/);
  });
});
