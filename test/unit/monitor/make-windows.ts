/** Synthetic windows for the monitoring tests: Gaussian embeddings with a known shift, seeded. */
import { type MonitorWindow, type WindowRow, windowFromRows } from '../../../functions/lib/monitor/window.ts';
import { createRng } from '../../../functions/lib/stats/rng.ts';

export interface RowSpec {
  n: number;
  dim?: number;
  seed: number;
  /** Added to the first `shiftDims` coordinates (mean 1 elsewhere, so centroids have a direction). */
  shift?: number;
  shiftDims?: number;
  /** Share of rows labelled POSITIVE. */
  positiveShare?: number;
  idPrefix?: string;
  textChars?: (i: number) => number;
  truncated?: (i: number) => boolean;
  unknownTokenRatio?: (i: number) => number;
  text?: (i: number) => string;
  score?: (i: number, u: number) => number;
}

export function makeRows(spec: RowSpec): WindowRow[] {
  const rng = createRng(spec.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.random())) * Math.cos(2 * Math.PI * rng.random());
  const dim = spec.dim ?? 16;
  const positives = Math.round(spec.n * (spec.positiveShare ?? 0.5));
  return Array.from({ length: spec.n }, (_, i) => {
    const embedding = new Float32Array(dim);
    for (let k = 0; k < dim; k++)
      embedding[k] = 1 + gauss() + (k < (spec.shiftDims ?? dim) ? (spec.shift ?? 0) : 0);
    const text = spec.text ? spec.text(i) : `text ${spec.idPrefix ?? 'r'} ${i}`;
    return {
      id: `${spec.idPrefix ?? 'r'}-${i}`,
      label: i < positives ? 'POSITIVE' : 'NEGATIVE',
      score: spec.score ? spec.score(i, rng.random()) : 0.5 + rng.random() / 2,
      text,
      text_sha256: `sha-${text}`,
      text_chars: spec.textChars ? spec.textChars(i) : 20 + (i % 30),
      truncated: spec.truncated ? spec.truncated(i) : false,
      unknown_token_ratio: spec.unknownTokenRatio ? spec.unknownTokenRatio(i) : 0,
      embedding,
    };
  });
}

export function makeWindow(spec: RowSpec, capacity = 1000): MonitorWindow {
  return windowFromRows(makeRows(spec), capacity, spec.seed + 7);
}

export const MODEL = { name: 'test-model', version: '1', labels: ['NEGATIVE', 'POSITIVE'] };
