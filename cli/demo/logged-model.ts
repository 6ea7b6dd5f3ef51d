/**
 * The demo's second model: one Vigil does not serve. A support-ticket router (48-dimension embeddings,
 * three labels, a `channel` segment) logs its predictions through POST /log with the TypeScript client,
 * an hour like the one before and then an hour in which only the app channel drifts (a release that
 * broke something: its tickets look different and turn technical). Drawn once from a seed.
 */
import type { LogRecord } from '../../clients/ts/src/index.ts';
import { createRng, type Rng } from '../../functions/lib/stats/rng.ts';

export const LOGGED_MODEL = {
  name: 'demo-support-router',
  version: '1',
  labels: ['billing', 'technical', 'account'],
  embeddingDim: 48,
  channels: ['web', 'app', 'email'],
  drifting: 'app',
} as const;

const HOUR = 3_600_000;

export interface LoggedTraffic {
  /** [start, end) of the reference hour. */
  reference: { start: number; end: number; records: LogRecord[] };
  current: { start: number; end: number; records: LogRecord[] };
}

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.random())) * Math.cos(2 * Math.PI * rng.random());
}

function ticket(rng: Rng, channel: string, drifted: boolean, timestamp: number): LogRecord {
  const weights = drifted ? [0.15, 0.7, 0.15] : [0.4, 0.3, 0.3];
  const u = rng.random();
  const k = u < weights[0] ? 0 : u < weights[0] + weights[1] ? 1 : 2;
  const embedding = Array.from({ length: LOGGED_MODEL.embeddingDim }, () => normal(rng));
  for (let j = k * 8; j < k * 8 + 8; j++) embedding[j] += 1.2; // each label has its own direction
  if (drifted) for (let j = 30; j < 46; j++) embedding[j] += 0.8;
  const p = [0.1, 0.1, 0.1];
  p[k] = 0.8;
  return {
    embedding,
    label: LOGGED_MODEL.labels[k],
    score: 0.8,
    probabilities: p,
    fields: { channel },
    timestamp,
  };
}

/** `perChannel` tickets of each channel in each of the two hours before `nowMs`. */
export function planLoggedTraffic(nowMs: number, perChannel: number, seed = 7): LoggedTraffic {
  const rng = createRng(seed);
  const hour = (start: number, drift: boolean) => {
    const n = perChannel * LOGGED_MODEL.channels.length;
    return Array.from({ length: n }, (_, i) => {
      const channel = LOGGED_MODEL.channels[i % LOGGED_MODEL.channels.length];
      const t = start + 1000 + Math.floor((i * (HOUR - 2000)) / n);
      return ticket(rng, channel, drift && channel === LOGGED_MODEL.drifting, t);
    });
  };
  const currentStart = nowMs - HOUR;
  const referenceStart = currentStart - HOUR;
  return {
    reference: { start: referenceStart, end: currentStart, records: hour(referenceStart, false) },
    current: { start: currentStart, end: nowMs, records: hour(currentStart, true) },
  };
}
