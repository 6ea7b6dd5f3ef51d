import { describe, expect, it } from 'vitest';
import {
  Activations,
  backward,
  type ConvClassifierConfig,
  type ConvClassifierParams,
  crossEntropy,
  forward,
  initParams,
  PARAM_NAMES,
  pooledSize,
  zeroParams,
} from '../../../tools/train/model.ts';
import { createRng } from '../../../tools/train/rng.ts';

const texts = [
  { ids: [2, 7, 9, 4, 11, 3], label: 1 },
  { ids: [2, 5, 3], label: 0 },
  { ids: [2, 8], label: 1 },
];

function lossOf(c: ConvClassifierConfig, p: ConvClassifierParams, drop: Float32Array | null): number {
  const acts = new Activations(c, 8);
  let total = 0;
  for (const t of texts) {
    forward(c, p, t.ids, acts, drop);
    total += crossEntropy(acts, t.label);
  }
  return total;
}

describe.each(['mean', 'mean-max'] as const)('backward with %s pooling', (pooling) => {
  it('matches central finite differences of the loss for every parameter', () => {
    // Prepare
    const c: ConvClassifierConfig = {
      vocabSize: 12,
      embedDim: 4,
      hiddenSize: 5,
      kernelSize: 3,
      numLabels: 2,
      pooling,
    };
    const rng = createRng(3);
    const p = initParams(c, rng);
    for (let i = 0; i < p.embeddings.length; i++) p.embeddings[i] *= 5; // push tanh out of its linear range
    for (let i = 0; i < p.convBias.length; i++) p.convBias[i] = 0.2 * rng.normal();
    p.outBias[0] = 0.1;
    const drop = new Float32Array(pooledSize(c)).map((_, i) => (i % 3 === 0 ? 0 : 1.5));
    const grads = zeroParams(c);
    const acts = new Activations(c, 8);
    const rows = new Set<number>();

    // Act
    for (const t of texts) {
      forward(c, p, t.ids, acts, drop);
      crossEntropy(acts, t.label);
      backward(c, p, t.ids, acts, t.label, 1, grads, (r) => rows.add(r));
    }

    // Assess
    const eps = 1e-3;
    let checked = 0;
    for (const name of PARAM_NAMES) {
      for (let i = 0; i < p[name].length; i++) {
        const saved = p[name][i];
        p[name][i] = saved + eps;
        const up = lossOf(c, p, drop);
        p[name][i] = saved - eps;
        const down = lossOf(c, p, drop);
        p[name][i] = saved;
        const numeric = (up - down) / (2 * eps);
        expect(Math.abs(numeric - grads[name][i])).toBeLessThan(1e-3 + 1e-2 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect([...rows].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 7, 8, 9, 11]);
    // A row no text uses gets no gradient.
    expect(grads.embeddings.subarray(6 * c.embedDim, 7 * c.embedDim).every((v) => v === 0)).toBe(true);
  });
});
