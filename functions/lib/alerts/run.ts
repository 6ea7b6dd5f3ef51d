/** One alerting pass: read state, decide, claim the new state with a conditional write, then deliver. */
import type { MonitorReport } from '../monitor/types.ts';
import { AlertError } from './errors.ts';
import { type DeliveryResult, type Notifier, sendToAll } from './notifier.ts';
import { decideAlerts } from './policy.ts';
import { alertStateKey, type ConditionalStore, decodeAlertState, encodeAlertState } from './state.ts';
import type { AlertNotification, AlertState, NotifyOn, OutboxEntry } from './types.ts';

/** A Lambda runs at most 15 minutes, so an older `sending` claim belongs to a run that died. */
export const DEFAULT_CLAIM_TIMEOUT_MS = 15 * 60 * 1000;
const DEFAULT_MAX_CONFLICTS = 20;

export interface RunAlertingInput {
  store: ConditionalStore;
  report: MonitorReport;
  now: Date;
  notifiers: Notifier[];
  /** Defaults to alertStateKey(report.model). */
  key?: string;
  /** Decide and show, but neither send nor write state. */
  dryRun?: boolean;
  cooldownMs?: number;
  notifyOn?: NotifyOn;
  reportUrl?: string | null;
  claimTimeoutMs?: number;
  maxConflicts?: number;
  /** Which channels each severity goes to (a model version's monitors.channels). @default every notifier */
  routes?: Partial<Record<AlertNotification['severity'], readonly string[]>>;
}

/** Names of the notifiers a notification of `severity` goes to under `routes`. */
export function routedNotifiers(
  notifiers: readonly Notifier[],
  severity: AlertNotification['severity'],
  routes: RunAlertingInput['routes'],
): string[] {
  const allowed = routes?.[severity];
  return notifiers
    .filter((n) => !allowed || (n.channels ?? [n.name]).some((c) => allowed.includes(c)))
    .map((n) => n.name);
}

export interface Delivery {
  notification: AlertNotification;
  ok: boolean;
  results: DeliveryResult[];
}

export interface RunAlertingResult {
  status: 'delivered' | 'delivery_failed' | 'nothing_to_send' | 'already_processed' | 'dry_run';
  /** The message this run's findings produced (null when none). */
  notification: AlertNotification | null;
  /** Every message attempted in this run: earlier failed ones first, then this run's. */
  deliveries: Delivery[];
  /** Dry run only: what would have been sent. */
  wouldSend: AlertNotification[];
  /** Messages still owed to some channel after this run. */
  pending: number;
}

export async function runAlerting(input: RunAlertingInput): Promise<RunAlertingResult> {
  const key = input.key ?? alertStateKey(input.report.model);
  const claimTimeoutMs = input.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS;
  const maxConflicts = input.maxConflicts ?? DEFAULT_MAX_CONFLICTS;
  const names = input.notifiers.map((n) => n.name);
  const nowIso = input.now.toISOString();

  for (let conflicts = 0; ; conflicts++) {
    if (conflicts > maxConflicts) {
      throw new AlertError('ALERT_STATE_CONFLICT', `${key} kept changing under ${maxConflicts} attempts`);
    }
    const current = await input.store.get(key);
    const previous = current ? decodeAlertState(current.body, key) : null;
    const decision = decideAlerts({
      previous,
      report: input.report,
      now: input.now,
      cooldownMs: input.cooldownMs,
      notifyOn: input.notifyOn,
      reportUrl: input.reportUrl,
    });

    const keep: OutboxEntry[] = [];
    const claim: OutboxEntry[] = [];
    for (const entry of previous?.outbox ?? []) {
      // A channel no longer configured cannot be delivered to; dropping it keeps the outbox finite.
      const channels = entry.channels.filter((c) => names.includes(c));
      if (channels.length === 0) continue;
      const abandoned = input.now.getTime() - Date.parse(entry.claimedAt) >= claimTimeoutMs;
      if (entry.status === 'failed' || abandoned) {
        claim.push({ ...entry, channels, status: 'sending', claimedAt: nowIso });
      } else {
        keep.push(entry);
      }
    }
    const routed = decision.notification
      ? routedNotifiers(input.notifiers, decision.notification.severity, input.routes)
      : [];
    if (decision.notification && routed.length > 0) {
      claim.push({
        notification: decision.notification,
        channels: routed,
        status: 'sending',
        claimedAt: nowIso,
        attempts: 0,
        lastError: null,
      });
    }

    if (input.dryRun) {
      const wouldSend = claim.map((e) => e.notification);
      if (decision.notification && names.length === 0) wouldSend.push(decision.notification);
      return {
        status: 'dry_run',
        notification: decision.notification,
        deliveries: [],
        wouldSend,
        pending: previous?.outbox.length ?? 0,
      };
    }
    if (decision.skipped && claim.length === 0) {
      return {
        status: 'already_processed',
        notification: null,
        deliveries: [],
        wouldSend: [],
        pending: keep.length,
      };
    }

    const next: AlertState = { ...decision.next, outbox: [...keep, ...claim] };
    const claimed = await input.store.putIfVersion(key, encodeAlertState(next), current?.version ?? null);
    if (!claimed) continue;

    // The claim is durable before anything is sent: a crash from here on means a retry, never a loss.
    const deliveries: Delivery[] = [];
    for (const entry of claim) {
      const targets = input.notifiers.filter((n) => entry.channels.includes(n.name));
      const results = await sendToAll(targets, entry.notification);
      deliveries.push({ notification: entry.notification, ok: results.every((r) => r.ok), results });
    }
    const pending =
      deliveries.length > 0 ? await settleOutbox(input.store, key, deliveries, maxConflicts) : keep.length;
    return {
      status:
        deliveries.length === 0
          ? 'nothing_to_send'
          : deliveries.every((d) => d.ok)
            ? 'delivered'
            : 'delivery_failed',
      notification: decision.notification,
      deliveries,
      wouldSend: [],
      pending,
    };
  }
}

/** Removes what was delivered and marks the rest failed, re-reading on conflict so no other run's work is lost. */
async function settleOutbox(
  store: ConditionalStore,
  key: string,
  deliveries: Delivery[],
  maxConflicts: number,
): Promise<number> {
  const byId = new Map(deliveries.map((d) => [d.notification.id, d]));
  for (let conflicts = 0; conflicts <= maxConflicts; conflicts++) {
    const current = await store.get(key);
    if (!current) throw new AlertError('ALERT_STATE_CONFLICT', `${key} disappeared while delivering`);
    const state = decodeAlertState(current.body, key);
    const outbox: OutboxEntry[] = [];
    for (const entry of state.outbox) {
      const delivery = byId.get(entry.notification.id);
      if (!delivery || entry.status !== 'sending') {
        outbox.push(entry);
        continue;
      }
      const failed = delivery.results.filter((r) => !r.ok);
      const channels = entry.channels.filter((c) => failed.some((r) => r.channel === c));
      if (channels.length === 0) continue;
      outbox.push({
        ...entry,
        channels,
        status: 'failed',
        attempts: entry.attempts + 1,
        lastError: failed.map((r) => `${r.channel}: ${r.error ?? 'failed'}`).join('; '),
      });
    }
    const next: AlertState = { ...state, outbox };
    if (await store.putIfVersion(key, encodeAlertState(next), current.version)) return outbox.length;
  }
  throw new AlertError('ALERT_STATE_CONFLICT', `${key} kept changing while recording deliveries`);
}
