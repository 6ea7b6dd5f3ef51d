/**
 * How one notification travels through SNS to both kinds of subscriber: MessageStructure 'json' gives
 * email subscribers the plain-text body and the Lambda subscriber a JSON envelope with the Slack payload.
 */
import { formatEmailBody, formatSubject, messageAttributes, type SnsAttribute } from './format.ts';
import { escapeMrkdwn, formatSlackBlocks, type SlackPayload } from './slack-blocks.ts';
import type { AlertNotification } from './types.ts';

export const ENVELOPE_KIND = 'vigil.alert';

/** What the notify-slack Lambda receives as `Sns.Message`. */
export interface SlackEnvelope {
  kind: typeof ENVELOPE_KIND;
  schemaVersion: 1;
  notificationId: string;
  slack: SlackPayload;
}

export interface SnsPublishFields {
  Subject: string;
  Message: string;
  MessageStructure: 'json';
  MessageAttributes: Record<string, SnsAttribute>;
}

/** Everything of a Publish call except the topic, kept free of the SDK so it is testable as data. */
export function snsPublishFields(n: AlertNotification): SnsPublishFields {
  const email = formatEmailBody(n);
  const envelope: SlackEnvelope = {
    kind: ENVELOPE_KIND,
    schemaVersion: 1,
    notificationId: n.id,
    slack: formatSlackBlocks(n),
  };
  // `default` serves every protocol without its own key (sqs, https, email-json): they get the readable text.
  const Message = JSON.stringify({ default: email, email, lambda: JSON.stringify(envelope) });
  return {
    Subject: formatSubject(n),
    Message,
    MessageStructure: 'json',
    MessageAttributes: messageAttributes(n),
  };
}

/**
 * The Slack payload for an SNS message: Vigil's envelope as sent, anything else published to the topic
 * (a CloudWatch alarm, a manual test) as plain text so it is still seen.
 */
export function slackPayloadFromSns(message: string, subject: string | null): SlackPayload {
  try {
    const parsed = JSON.parse(message) as Partial<SlackEnvelope> | null;
    if (parsed?.kind === ENVELOPE_KIND && parsed.slack && Array.isArray(parsed.slack.blocks))
      return parsed.slack;
  } catch {
    // Not JSON: fall through to plain text.
  }
  const title = subject ?? 'Vigil notification';
  const body = message.length > 2900 ? `${message.slice(0, 2900)}…` : message;
  return {
    text: title,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*${escapeMrkdwn(title)}*\n\`\`\`${escapeMrkdwn(body)}\`\`\`` },
      },
    ],
  };
}
