/**
 * A lease on one hour of the log, so one compactor at a time merges it: an object created only if
 * absent (exclusive create on disk, If-None-Match: * on S3), taken over only once it has expired
 * (If-Match on the expired lease's etag), deleted by its owner when done.
 */
import type { PredictionHour } from './layout.ts';
import { predictionsHourPrefix } from './layout.ts';
import type { ObjectStore } from './store.ts';

/** Longer than any compaction of one hour may run (the Lambda limit is 15 minutes). */
export const DEFAULT_LEASE_TTL_MS = 15 * 60 * 1000;

export interface LeaseRequest {
  /** Unique per compactor run. */
  owner: string;
  nowMs: number;
  /** @default DEFAULT_LEASE_TTL_MS */
  ttlMs?: number;
}

export interface HourLease {
  release(): Promise<void>;
}

interface LeaseBody {
  owner: string;
  expires_at: string;
}

/** Where the lease of an hour lives: outside `predictions/`, so readers and Athena never see it. */
export function hourLeaseKey(hour: PredictionHour): string {
  return `leases/compaction/${predictionsHourPrefix(hour).slice('predictions/'.length, -1)}.json`;
}

function parse(body: Uint8Array): LeaseBody | null {
  try {
    const v = JSON.parse(new TextDecoder().decode(body)) as LeaseBody;
    return typeof v.owner === 'string' && typeof v.expires_at === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Takes the hour's lease, or answers 'held' when another compactor holds an unexpired one. */
export async function acquireHourLease(
  store: ObjectStore,
  hour: PredictionHour,
  req: LeaseRequest,
): Promise<HourLease | 'held'> {
  const key = hourLeaseKey(hour);
  const body = JSON.stringify({
    owner: req.owner,
    expires_at: new Date(req.nowMs + (req.ttlMs ?? DEFAULT_LEASE_TTL_MS)).toISOString(),
  } satisfies LeaseBody);
  const release = async () => {
    const current = await store.getObject(key);
    if (current && parse(current)?.owner === req.owner) await store.delete(key);
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    if ((await store.putObjectIfMatch(key, body, null, 'application/json')).ok) return { release };
    const existing = await store.getObjectWithEtag(key);
    // Released between our write and our read: try to create it again.
    if (!existing) continue;
    const held = parse(existing.body);
    if (held && Date.parse(held.expires_at) > req.nowMs) return 'held';
    // Expired (or unreadable): take it over only if nobody else did first.
    if ((await store.putObjectIfMatch(key, body, existing.etag, 'application/json')).ok) return { release };
    return 'held';
  }
  return 'held';
}
