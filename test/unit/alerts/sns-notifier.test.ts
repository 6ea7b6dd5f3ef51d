import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsNotifier } from '../../../functions/adapters/sns-notifier.ts';
import { formatEmailBody, formatSlackBlocks } from '../../../functions/lib/alerts/format.ts';
import { decideAlerts } from '../../../functions/lib/alerts/policy.ts';
import { ENVELOPE_KIND, slackPayloadFromSns } from '../../../functions/lib/alerts/sns-message.ts';
import { finding, hour, report } from './report-fixture.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:vigil-alerts';
const sns = mockClient(SNSClient);

const notification = decideAlerts({
  previous: null,
  report: report(hour(24), [
    finding('embedding_drift.mmd', 'alert', { title: 'Embedding drift (MMD)' }),
    finding('integrity.empty_text', 'alert', { title: 'Empty texts', pValueAdjusted: 0.5 }),
  ]),
  now: new Date(hour(24)),
  reportUrl: 'https://r.example/x.html',
}).notification;
if (!notification) throw new Error('fixture must notify');

describe('SnsNotifier', () => {
  beforeEach(() => sns.reset());

  it('publishes subject, per-protocol message and filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1', $metadata: { attempts: 1 } });
    const result = await new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), TOPIC).send(notification);

    expect(result).toEqual({ channel: 'sns', ok: true, attempts: 1, receipt: 'm-1' });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(input.Subject).toBe('[Vigil ALERT] sentiment v3: Embedding drift (MMD) +1 more');
    expect(input.MessageStructure).toBe('json');
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'alert' },
      model: { DataType: 'String', StringValue: 'sentiment' },
      version: { DataType: 'String', StringValue: '3' },
      check: { DataType: 'String.Array', StringValue: '["embedding_drift.mmd","integrity.empty_text"]' },
      event: { DataType: 'String.Array', StringValue: '["firing"]' },
      notification_id: { DataType: 'String', StringValue: `sentiment/3/${hour(24)}` },
    });

    const message = JSON.parse(input.Message ?? '') as Record<string, string>;
    expect(Object.keys(message).sort()).toEqual(['default', 'email', 'lambda']);
    expect(message.email).toBe(formatEmailBody(notification));
    expect(message.default).toBe(message.email);
    expect(message.email).toContain('Report:    https://r.example/x.html');
    const envelope = JSON.parse(message.lambda);
    expect(envelope).toEqual({
      kind: ENVELOPE_KIND,
      schemaVersion: 1,
      notificationId: notification.id,
      slack: formatSlackBlocks(notification),
    });
    // What the Lambda subscriber receives turns back into exactly the Slack payload.
    expect(slackPayloadFromSns(message.lambda, input.Subject ?? null)).toEqual(
      formatSlackBlocks(notification),
    );
    expect(new TextEncoder().encode(input.Message).length).toBeLessThan(256 * 1024);
  });

  it('reports a failed publish as a failed delivery with a stable code', async () => {
    const err = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottledException',
      $metadata: { attempts: 3 },
    });
    sns.on(PublishCommand).rejects(err);
    const result = await new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), TOPIC).send(notification);
    expect(result).toEqual({
      channel: 'sns',
      ok: false,
      attempts: 3,
      error: 'SNS_PUBLISH_FAILED: ThrottledException: Rate exceeded',
    });
  });
});
