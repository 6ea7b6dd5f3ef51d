import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readSlackConfig } from '../../../functions/config.ts';
import { formatSlackBlocks } from '../../../functions/lib/alerts/format.ts';
import { decideAlerts } from '../../../functions/lib/alerts/policy.ts';
import { snsPublishFields } from '../../../functions/lib/alerts/sns-message.ts';
import { makeHandler, secretWebhookUrl } from '../../../functions/notify-slack/handler.ts';
import { finding, hour, report } from './report-fixture.ts';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-slack-AbCdEf';
const WEBHOOK = 'https://hooks.slack.example/services/T0/B0/secret';
const secrets = mockClient(SecretsManagerClient);

const notification = decideAlerts({
  previous: null,
  report: report(hour(24), [finding('embedding_drift.mmd', 'alert')]),
  now: new Date(hour(24)),
}).notification;
if (!notification) throw new Error('fixture must notify');

/** What SNS hands the Lambda subscriber for a MessageStructure json publish: the `lambda` value. */
function snsEvent(message: string, subject: string | null = 'subject'): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:vigil-alerts:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'msg-1',
          TopicArn: 'arn:aws:sns:eu-west-1:123456789012:vigil-alerts',
          Subject: subject as string,
          Message: message,
          Timestamp: hour(24),
          SignatureVersion: '1',
          Signature: 'sig',
          SigningCertUrl: 'https://example/cert',
          UnsubscribeUrl: 'https://example/unsub',
          MessageAttributes: {},
        },
      },
    ],
  };
}

const lambdaMessage = JSON.parse(snsPublishFields(notification).Message).lambda as string;

/** A fetch that records posts and answers with `status`. */
function recordingFetch(status = 200) {
  const posts: { url: string; body: unknown }[] = [];
  const fetch = (async (url: string | URL, init?: RequestInit) => {
    posts.push({ url: String(url), body: JSON.parse(String(init?.body)) });
    return new Response(status === 200 ? 'ok' : 'invalid_payload', { status });
  }) as typeof globalThis.fetch;
  return { posts, fetch };
}

describe('notify-slack handler', () => {
  beforeEach(() => secrets.reset());

  it('reads the webhook secret once for two invocations and posts the Block Kit payload', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: WEBHOOK });
    const { posts, fetch } = recordingFetch();
    const handler = makeHandler({
      getWebhookUrl: secretWebhookUrl(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET),
      fetch,
    });
    await handler(snsEvent(lambdaMessage));
    await handler(snsEvent(lambdaMessage));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(posts).toHaveLength(2);
    expect(posts[0]).toEqual({ url: WEBHOOK, body: formatSlackBlocks(notification) });
  });

  it('accepts a JSON secret and retries the secret read after a failure', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ SecretString: JSON.stringify({ url: WEBHOOK }) });
    const { posts, fetch } = recordingFetch();
    const handler = makeHandler({
      getWebhookUrl: secretWebhookUrl(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET),
      fetch,
    });
    await expect(handler(snsEvent(lambdaMessage))).rejects.toThrow('throttled');
    await handler(snsEvent(lambdaMessage));
    expect(posts.map((p) => p.url)).toEqual([WEBHOOK]);
  });

  it('throws on a non-2xx answer so SNS retries the delivery', async () => {
    const { fetch } = recordingFetch(500);
    const handler = makeHandler({ getWebhookUrl: async () => WEBHOOK, fetch });
    await expect(handler(snsEvent(lambdaMessage))).rejects.toThrow(/SLACK_POST_FAILED: webhook answered 500/);
  });

  it('refuses a secret that holds no URL', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'not a url' });
    const get = secretWebhookUrl(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET);
    await expect(get()).rejects.toThrow(/SLACK_SECRET_INVALID/);
  });

  it('still posts other messages published to the topic, as plain text', async () => {
    const { posts, fetch } = recordingFetch();
    const handler = makeHandler({ getWebhookUrl: async () => WEBHOOK, fetch });
    await handler(snsEvent('{"AlarmName":"vigil-errors"}', 'ALARM: vigil-errors'));
    expect(posts[0].body).toEqual({
      text: 'ALARM: vigil-errors',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*ALARM: vigil-errors*\n```{"AlarmName":"vigil-errors"}```' },
        },
      ],
    });
  });
});

describe('readSlackConfig', () => {
  it('reads the secret ARN and names a missing variable with a stable code', () => {
    expect(readSlackConfig({ VIGIL_SLACK_SECRET_ARN: SECRET })).toEqual({ webhookSecretArn: SECRET });
    expect(() => readSlackConfig({})).toThrow(/CONFIG_MISSING: VIGIL_SLACK_SECRET_ARN/);
  });
});
