/** SNS -> Slack: posts each Vigil alert to the incoming webhook kept in Secrets Manager. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { readSlackConfig } from '../config.ts';
import { slackPayloadFromSns } from '../lib/alerts/sns-message.ts';

export interface NotifySlackDeps {
  getWebhookUrl: () => Promise<string>;
  fetch: typeof fetch;
}

export class SlackDeliveryError extends Error {
  readonly code: 'SLACK_POST_FAILED' | 'SLACK_SECRET_INVALID';

  constructor(code: SlackDeliveryError['code'], message: string) {
    super(`${code}: ${message}`);
    this.name = 'SlackDeliveryError';
    this.code = code;
  }
}

export function makeHandler(deps: NotifySlackDeps): (event: SNSEvent) => Promise<void> {
  const getWebhookUrl = once(deps.getWebhookUrl);
  return async (event) => {
    const url = await getWebhookUrl();
    for (const record of event.Records) {
      const payload = slackPayloadFromSns(record.Sns.Message, record.Sns.Subject ?? null);
      const res = await deps.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      // Throwing makes Lambda's async invocation retry the SNS delivery instead of dropping the alert.
      if (!res.ok) {
        throw new SlackDeliveryError(
          'SLACK_POST_FAILED',
          `webhook answered ${res.status} for ${record.Sns.MessageId}: ${text.slice(0, 200)}`,
        );
      }
    }
  };
}

/** Reads the webhook URL from a secret holding either the bare URL or JSON `{ "url": ... }`. */
export function secretWebhookUrl(client: SecretsManagerClient, secretId: string): () => Promise<string> {
  return async () => {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const raw = out.SecretString?.trim() ?? '';
    let url = raw;
    if (raw.startsWith('{')) {
      const parsed = JSON.parse(raw) as { url?: unknown; webhookUrl?: unknown };
      url = String(parsed.url ?? parsed.webhookUrl ?? '');
    }
    if (!/^https?:\/\//.test(url)) {
      throw new SlackDeliveryError('SLACK_SECRET_INVALID', `secret ${secretId} does not hold a webhook URL`);
    }
    return url;
  };
}

/** Caches the first successful result for the life of the container; a failure is retried next call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | null = null;
  return () => {
    cached ??= load().catch((err) => {
      cached = null;
      throw err;
    });
    return cached;
  };
}

// Config is read on the first invocation, so importing this module (tests, bundling) needs no env.
function defaultDeps(): NotifySlackDeps {
  const client = new SecretsManagerClient({});
  return {
    getWebhookUrl: () => secretWebhookUrl(client, readSlackConfig().webhookSecretArn)(),
    fetch: (...args) => globalThis.fetch(...args),
  };
}

export const handler = makeHandler(defaultDeps());
