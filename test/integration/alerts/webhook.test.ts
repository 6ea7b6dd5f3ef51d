import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleNotifier } from '../../../functions/adapters/console-notifier.ts';
import { WebhookNotifier } from '../../../functions/adapters/webhook-notifier.ts';
import { formatSlackBlocks } from '../../../functions/lib/alerts/format.ts';
import { runAlerting } from '../../../functions/lib/alerts/run.ts';
import { snsPublishFields } from '../../../functions/lib/alerts/sns-message.ts';
import { alertStateKey } from '../../../functions/lib/alerts/state.ts';
import type { AlertState } from '../../../functions/lib/alerts/types.ts';
import { makeHandler } from '../../../functions/notify-slack/handler.ts';
import { MemoryStore } from '../../unit/alerts/memory-store.ts';
import { finding, hour, report } from '../../unit/alerts/report-fixture.ts';
import { startWebhookServer, type WebhookServer } from './webhook-server.ts';

let server: WebhookServer;
beforeEach(async () => {
  server = await startWebhookServer();
});
afterEach(async () => {
  await server.close();
});

const KEY = alertStateKey({ name: 'sentiment', version: '3' });
const alertReport = (h: number) => report(hour(h), [finding('embedding_drift.mmd', 'alert')]);

describe('WebhookNotifier against a real HTTP server', () => {
  it('posts the Slack-compatible JSON', async () => {
    const store = new MemoryStore();
    const lines: string[] = [];
    const result = await runAlerting({
      store,
      report: alertReport(1),
      now: new Date(hour(1)),
      notifiers: [new WebhookNotifier(server.url), new ConsoleNotifier({ write: (t) => lines.push(t) })],
    });
    expect(result.status).toBe('delivered');
    expect(server.received).toHaveLength(1);
    expect(server.received[0].path).toBe('/services/T0/B0/s3cr3t');
    expect(server.received[0].contentType).toBe('application/json');
    if (!result.notification) throw new Error('expected a notification');
    expect(server.received[0].body).toEqual(formatSlackBlocks(result.notification));
    // The console shows every message sent.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('alert: [Vigil ALERT] sentiment v3: Check embedding_drift.mmd');
  });

  it('retries a 500 with growing backoff and succeeds', async () => {
    server.script.push(500, 503);
    const notifier = new WebhookNotifier(server.url, { retries: 3, backoffMs: 40 });
    const result = await runAlerting({
      store: new MemoryStore(),
      report: alertReport(1),
      now: new Date(hour(1)),
      notifiers: [notifier],
    });
    expect(result.deliveries[0].results).toEqual([{ channel: 'webhook', ok: true, attempts: 3 }]);
    const at = server.received.map((r) => r.at);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(35);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(75);
  });

  it('gives up after the retries, reports a failed delivery, keeps the alert and delivers it next run', async () => {
    server.script.push(500, 500, 500);
    const store = new MemoryStore();
    const notifier = new WebhookNotifier(server.url, { retries: 2, backoffMs: 5 });
    const failed = await runAlerting({
      store,
      report: alertReport(1),
      now: new Date(hour(1)),
      notifiers: [notifier],
    });
    expect(failed.status).toBe('delivery_failed');
    const error = failed.deliveries[0].results[0].error ?? '';
    expect(error).toMatch(
      /^WEBHOOK_HTTP_500 from 127\.0\.0\.1:\d+: server_error \(gave up after 3 attempts\)$/,
    );
    expect(error).not.toContain('s3cr3t');
    expect(server.received).toHaveLength(3);
    const state = store.json(KEY) as AlertState;
    expect(state.checks['embedding_drift.mmd'].lastSeverity).toBe('alert');
    expect(state.outbox).toMatchObject([{ status: 'failed', channels: ['webhook'], attempts: 1 }]);

    // The webhook is back: the next run delivers the pending alert and nothing new.
    const next = await runAlerting({
      store,
      report: alertReport(2),
      now: new Date(hour(2)),
      notifiers: [notifier],
    });
    expect(next.status).toBe('delivered');
    expect(server.received).toHaveLength(4);
    expect(server.received[3].body).toEqual(server.received[0].body);
    expect((store.json(KEY) as AlertState).outbox).toEqual([]);
  });

  it('does not retry a 4xx the receiver will never accept', async () => {
    server.script.push(400);
    const notifier = new WebhookNotifier(server.url, { retries: 3, backoffMs: 5 });
    const n = (
      await runAlerting({
        store: new MemoryStore(),
        report: alertReport(1),
        now: new Date(hour(1)),
        notifiers: [],
        dryRun: true,
      })
    ).wouldSend[0];
    const result = await notifier.send(n);
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(server.received).toHaveLength(1);
  });

  it('reports an unreachable webhook as a failed delivery', async () => {
    await server.close();
    const n = (
      await runAlerting({
        store: new MemoryStore(),
        report: alertReport(1),
        now: new Date(hour(1)),
        notifiers: [],
        dryRun: true,
      })
    ).wouldSend[0];
    const result = await new WebhookNotifier(server.url, { retries: 1, backoffMs: 1 }).send(n);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^WEBHOOK_UNREACHABLE 127\.0\.0\.1:\d+/);
    server = await startWebhookServer();
  });
});

describe('notify-slack handler against a real HTTP server', () => {
  it('posts the same payload the local webhook path posts, and throws on a 500', async () => {
    const store = new MemoryStore();
    const dry = await runAlerting({
      store,
      report: alertReport(1),
      now: new Date(hour(1)),
      notifiers: [],
      dryRun: true,
    });
    const n = dry.wouldSend[0];
    const lambdaMessage = JSON.parse(snsPublishFields(n).Message).lambda as string;
    const handler = makeHandler({ getWebhookUrl: async () => server.url, fetch: globalThis.fetch });
    const event = {
      Records: [{ Sns: { Message: lambdaMessage, Subject: 'x', MessageId: 'm1' } }],
    } as unknown as Parameters<typeof handler>[0];

    await handler(event);
    expect(server.received[0].body).toEqual(formatSlackBlocks(n));

    server.script.push(500);
    await expect(handler(event)).rejects.toThrow(/SLACK_POST_FAILED/);
  });
});
