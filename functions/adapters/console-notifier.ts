/** Shows every message on the console, so a local run says what it sent (or, in a dry run, would send). */
import { formatEmailBody, formatSubject } from '../lib/alerts/format.ts';
import type { DeliveryResult, Notifier } from '../lib/alerts/notifier.ts';
import type { AlertNotification } from '../lib/alerts/types.ts';

export interface ConsoleNotifierOptions {
  write?: (text: string) => void;
  /** Printed before the subject, e.g. "DRY RUN, would send". */
  label?: string;
  name?: string;
}

export class ConsoleNotifier implements Notifier {
  readonly name: string;
  /** The channel a model version's monitors.channels routes by. */
  readonly channels = ['console'] as const;
  private readonly write: (text: string) => void;
  private readonly label: string;

  constructor(options: ConsoleNotifierOptions = {}) {
    this.write = options.write ?? ((text) => console.log(text));
    this.label = options.label ?? 'alert';
    this.name = options.name ?? 'console';
  }

  async send(notification: AlertNotification): Promise<DeliveryResult> {
    this.write(formatConsoleMessage(notification, this.label));
    return { channel: this.name, ok: true, attempts: 1 };
  }
}

export function formatConsoleMessage(notification: AlertNotification, label = 'alert'): string {
  const subject = formatSubject(notification);
  const rule = '-'.repeat(Math.min(78, subject.length + label.length + 3));
  return `${rule}\n${label}: ${subject}\n${rule}\n${formatEmailBody(notification)}`;
}
