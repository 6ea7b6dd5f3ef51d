/** Posts the Slack-compatible message to any webhook URL, retrying transient failures with backoff. */
import { type DeliveryResult, errorMessage, type Notifier } from '../lib/alerts/notifier.ts';
import { formatSlackBlocks } from '../lib/alerts/slack-blocks.ts';
import type { AlertNotification } from '../lib/alerts/types.ts';

export interface WebhookNotifierOptions {
  /** Extra attempts after the first (default 3). */
  retries?: number;
  /** First backoff; doubles each retry (default 500 ms). */
  backoffMs?: number;
  /** Give up on one attempt after this long (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  name?: string;
}

const MAX_RETRY_AFTER_MS = 30_000;

export class WebhookNotifier implements Notifier {
  readonly name: string;
  /** The channel a model version's monitors.channels routes by. */
  readonly channels = ['webhook'] as const;
  private readonly url: URL;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(url: string, options: WebhookNotifierOptions = {}) {
    this.url = new URL(url);
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.name = options.name ?? 'webhook';
  }

  async send(notification: AlertNotification): Promise<DeliveryResult> {
    const body = JSON.stringify(formatSlackBlocks(notification));
    // The path of a Slack webhook URL is its secret, so errors name only the host.
    const where = this.url.host;
    let lastError = '';
    for (let attempt = 1; attempt <= this.retries + 1; attempt++) {
      let retryAfterMs: number | null = null;
      try {
        const res = await this.fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = (await res.text()).slice(0, 200);
        if (res.ok) return { channel: this.name, ok: true, attempts: attempt };
        lastError = `WEBHOOK_HTTP_${res.status} from ${where}: ${text}`;
        if (res.status !== 429 && res.status < 500) {
          return { channel: this.name, ok: false, attempts: attempt, error: lastError };
        }
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      } catch (err) {
        lastError = `WEBHOOK_UNREACHABLE ${where}: ${errorMessage(err)}`;
      }
      if (attempt <= this.retries) {
        await this.sleep(retryAfterMs ?? this.backoffMs * 2 ** (attempt - 1));
      }
    }
    return {
      channel: this.name,
      ok: false,
      attempts: this.retries + 1,
      error: `${lastError} (gave up after ${this.retries + 1} attempts)`,
    };
  }
}

function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : null;
}
