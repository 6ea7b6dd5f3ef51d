/** Publishes alert notifications to an SNS topic (email and Slack subscribers read the same publish). */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type DeliveryResult, errorMessage, type Notifier } from '../lib/alerts/notifier.ts';
import { snsPublishFields } from '../lib/alerts/sns-message.ts';
import type { AlertNotification } from '../lib/alerts/types.ts';

export class SnsNotifier implements Notifier {
  readonly name: string;
  /** One publish reaches the topic's email and Slack subscribers. */
  readonly channels = ['email', 'slack'] as const;
  private readonly client: SNSClient;
  private readonly topicArn: string;

  constructor(client: SNSClient, topicArn: string, name = 'sns') {
    this.client = client;
    this.topicArn = topicArn;
    this.name = name;
  }

  async send(notification: AlertNotification): Promise<DeliveryResult> {
    try {
      // The SDK already retries throttling and 5xx with backoff; a rejection here is final for this run.
      const out = await this.client.send(
        new PublishCommand({ TopicArn: this.topicArn, ...snsPublishFields(notification) }),
      );
      return { channel: this.name, ok: true, attempts: out.$metadata?.attempts ?? 1, receipt: out.MessageId };
    } catch (err) {
      const code = err instanceof Error ? err.name : 'Error';
      return {
        channel: this.name,
        ok: false,
        attempts: (err as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1,
        error: `SNS_PUBLISH_FAILED: ${code}: ${errorMessage(err)}`,
      };
    }
  }
}
