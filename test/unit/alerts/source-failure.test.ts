import { describe, expect, it } from 'vitest';
import type { Notifier } from '../../../functions/lib/alerts/notifier.ts';
import {
  alertSourceFailure,
  noteSourceReadable,
  operationsStateKey,
  SOURCE_CHECK,
} from '../../../functions/lib/alerts/source-failure.ts';
import type { AlertNotification } from '../../../functions/lib/alerts/types.ts';
import { MemoryStore } from './memory-store.ts';

const MODEL = { name: 'reviews', version: '3' };
const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-02T00:00:00Z');

function recorder(): Notifier & { sent: AlertNotification[] } {
  const sent: AlertNotification[] = [];
  return {
    name: 'test',
    sent,
    async send(n) {
      sent.push(n);
      return { channel: 'test', ok: true, attempts: 1 };
    },
  };
}

const at = (h: number) => ({
  now: new Date(T0 + h * HOUR),
  window: { start: new Date(T0 + (h - 24) * HOUR).toISOString(), end: new Date(T0 + h * HOUR).toISOString() },
});

const failure = {
  code: 'SOURCE_UNAVAILABLE',
  message: 'cannot connect to env:PG_URL (db:5432/app): ECONNREFUSED',
};

describe('the operational alert of a source that cannot be read', () => {
  it('alerts once, stays quiet within the cooldown, reminds after it, and resolves when the source reads again', async () => {
    // Prepare
    const store = new MemoryStore();
    const notifier = recorder();
    const base = { store, model: MODEL, notifiers: [notifier], source: 'postgres env:PG_URL public.preds' };

    // Act
    const first = await alertSourceFailure({ ...base, ...at(1), error: failure });
    const second = await alertSourceFailure({ ...base, ...at(2), error: failure });
    const afterCooldown = await alertSourceFailure({ ...base, ...at(26), error: failure });
    const recovered = await noteSourceReadable({ ...base, ...at(27) });
    const quiet = await noteSourceReadable({ ...base, ...at(28) });

    // Assess
    expect([first.status, second.status, afterCooldown.status, recovered.status, quiet.status]).toEqual([
      'delivered',
      'nothing_to_send',
      'delivered',
      'delivered',
      'nothing_to_send',
    ]);
    expect(notifier.sent.map((n) => n.severity)).toEqual(['alert', 'alert', 'resolved']);
    expect(notifier.sent.map((n) => n.events[0].kind)).toEqual(['firing', 'reminder', 'resolved']);
    const event = notifier.sent[0].events[0];
    expect(event.check).toBe(SOURCE_CHECK);
    expect(event.finding.message).toContain('could not read its source (postgres env:PG_URL public.preds)');
    expect(event.finding.message).toContain('SOURCE_UNAVAILABLE');
  });

  it('keeps its state apart from the drift alerts, so a failed run does not mark the window processed', async () => {
    // Prepare
    const store = new MemoryStore();

    // Act
    await alertSourceFailure({
      store,
      model: MODEL,
      notifiers: [recorder()],
      source: 's',
      ...at(1),
      error: failure,
    });

    // Assess
    expect([...store.objects.keys()]).toEqual([operationsStateKey(MODEL)]);
    expect(operationsStateKey(MODEL)).toBe('state/model=reviews/version=3/operations.json');
  });

  it('a dry run shows the message and sends nothing', async () => {
    const store = new MemoryStore();
    const notifier = recorder();
    const r = await alertSourceFailure({
      store,
      model: MODEL,
      notifiers: [notifier],
      source: 's',
      ...at(1),
      error: failure,
      dryRun: true,
    });
    expect(r.status).toBe('dry_run');
    expect(r.wouldSend).toHaveLength(1);
    expect(notifier.sent).toHaveLength(0);
    expect(store.objects.size).toBe(0);
  });
});
