/** Deterministic prediction records for the log's tests (seeded, so failures reproduce). */

import type { ActualRecord, PredictionRecord } from '../../../functions/lib/records/schema.ts';
import type { ObjectStore } from '../../../functions/lib/records/store.ts';
import { uuidv7 } from '../../../functions/lib/records/uuidv7.ts';
import { createRng } from '../../../functions/lib/stats/rng.ts';

/** The stats library's seeded generator as a plain function. */
export function mulberry32(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.random();
}

export function seededRandomBytes(seed: number): (n: number) => Uint8Array {
  const next = mulberry32(seed);
  return (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

export interface MakeOptions {
  n: number;
  startMs: number;
  /** Milliseconds between consecutive records. */
  stepMs?: number;
  dim?: number;
  model?: string;
  version?: string;
  seed?: number;
  textNullEvery?: number;
}

export function makePredictions(o: MakeOptions): PredictionRecord[] {
  const rand = mulberry32(o.seed ?? 1);
  const bytes = seededRandomBytes((o.seed ?? 1) + 1000);
  const dim = o.dim ?? 8;
  return Array.from({ length: o.n }, (_, i) => {
    const t = o.startMs + i * (o.stepMs ?? 1000);
    const p = rand();
    const text = o.textNullEvery && i % o.textNullEvery === 0 ? null : `review ${i}: ünïcode ✓ "quoted"`;
    return {
      id: uuidv7(t, bytes),
      timestamp: new Date(t),
      model_name: o.model ?? 'sst2-default',
      model_version: o.version ?? '1',
      text,
      text_sha256: i.toString(16).padStart(64, '0'),
      text_chars: 20 + i,
      token_count: 5 + (i % 50),
      truncated: i % 7 === 0,
      unknown_token_ratio: (i % 10) / 100,
      label: p > 0.5 ? 'positive' : 'negative',
      score: Math.max(p, 1 - p),
      probabilities: [1 - p, p],
      embedding: Float32Array.from({ length: dim }, () => rand() * 2 - 1),
      latency_ms: 3.25 + (i % 5),
      request_id: `req-${i}`,
      fields: null,
      token_ids: null,
    };
  });
}

export function makeActuals(predictions: readonly PredictionRecord[], delayMs: number): ActualRecord[] {
  return predictions.map((p) => ({
    id: p.id,
    timestamp: new Date(p.timestamp.getTime() + delayMs),
    label: p.label,
  }));
}

/** Fails chosen operations, to simulate a crash or an outage between compaction steps. */
export function failing<T extends ObjectStore>(store: T, fail: { put?: boolean; delete?: boolean }): T {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if ((prop === 'delete' && fail.delete) || (prop === 'putObject' && fail.put)) {
        return async () => {
          throw new Error(`simulated crash in ${String(prop)}`);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
