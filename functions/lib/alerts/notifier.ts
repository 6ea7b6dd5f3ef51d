/** The port every delivery channel implements, and fan-out to several channels at once. */
import type { AlertNotification } from './types.ts';

export interface DeliveryResult {
  channel: string;
  ok: boolean;
  attempts: number;
  /** Why it failed, safe to log (never a webhook URL). */
  error?: string;
  /** Channel receipt, e.g. the SNS MessageId. */
  receipt?: string;
}

export interface Notifier {
  /** Stable channel name, used to remember which channels still owe a delivery. */
  readonly name: string;
  /**
   * What a model version's `monitors.channels` calls the channels this notifier reaches (email,
   * slack, webhook, console). @default [name]
   */
  readonly channels?: readonly string[];
  /** Resolves with the outcome; rejects only on programming errors. */
  send(notification: AlertNotification): Promise<DeliveryResult>;
}

/** Sends to every channel in parallel; one channel failing never stops the others. */
export async function sendToAll(
  notifiers: Notifier[],
  notification: AlertNotification,
): Promise<DeliveryResult[]> {
  return Promise.all(
    notifiers.map(async (n): Promise<DeliveryResult> => {
      try {
        return await n.send(notification);
      } catch (err) {
        return { channel: n.name, ok: false, attempts: 1, error: errorMessage(err) };
      }
    }),
  );
}

/** Several channels seen as one notifier; `results` tells each channel's outcome. */
export class CompositeNotifier implements Notifier {
  readonly name: string;
  readonly notifiers: Notifier[];

  constructor(notifiers: Notifier[], name = 'composite') {
    this.notifiers = notifiers;
    this.name = name;
  }

  async send(notification: AlertNotification): Promise<DeliveryResult & { results: DeliveryResult[] }> {
    const results = await sendToAll(this.notifiers, notification);
    const failed = results.filter((r) => !r.ok);
    return {
      channel: this.name,
      ok: failed.length === 0,
      attempts: Math.max(0, ...results.map((r) => r.attempts)),
      ...(failed.length > 0 ? { error: failed.map((r) => `${r.channel}: ${r.error}`).join('; ') } : {}),
      results,
    };
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
