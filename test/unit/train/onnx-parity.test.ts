import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildEncoderModel } from '../../../tools/onnx/encoder-graph.ts';
import {
  Activations,
  type ConvClassifierConfig,
  forward,
  initParams,
  toEncoderWeights,
} from '../../../tools/train/model.ts';
import { createRng } from '../../../tools/train/rng.ts';

// Made-up token-id sequences of different lengths, so the ONNX batch needs padding.
const batch = [
  [2, 14, 9, 27, 5, 3],
  [2, 30, 3],
  [2, 8, 8, 19, 22, 11, 6, 3],
  [2, 3],
];

describe.each(['mean', 'mean-max'] as const)('TS forward vs onnxruntime (%s pooling)', (pooling) => {
  it('gives the same logits and last_hidden_state on a padded batch within 1e-5', async () => {
    // Prepare
    const c: ConvClassifierConfig = {
      vocabSize: 32,
      embedDim: 6,
      hiddenSize: 7,
      kernelSize: 3,
      numLabels: 2,
      pooling,
    };
    const rng = createRng(11);
    const p = initParams(c, rng);
    for (let i = 0; i < p.embeddings.length; i++) p.embeddings[i] *= 5; // push tanh out of its linear range
    for (let i = 0; i < p.convBias.length; i++) p.convBias[i] = 0.3 * rng.normal();
    p.outBias.set([0.25, -0.5]);
    const session = await ort.InferenceSession.create(buildEncoderModel(toEncoderWeights(c, p)));
    const seq = Math.max(...batch.map((ids) => ids.length));
    const ids = new BigInt64Array(batch.length * seq);
    const mask = new BigInt64Array(batch.length * seq);
    batch.forEach((row, b) => {
      row.forEach((id, s) => {
        ids[b * seq + s] = BigInt(id);
        mask[b * seq + s] = 1n;
      });
    });

    // Act
    const out = await session.run({
      input_ids: new ort.Tensor('int64', ids, [batch.length, seq]),
      attention_mask: new ort.Tensor('int64', mask, [batch.length, seq]),
    });

    // Assess
    const logits = out.logits.data as Float32Array;
    const hidden = out.last_hidden_state.data as Float32Array;
    expect(out.last_hidden_state.dims).toEqual([batch.length, seq, c.hiddenSize]);
    const acts = new Activations(c, seq);
    let maxDiff = 0;
    batch.forEach((row, b) => {
      const ts = forward(c, p, row, acts);
      for (let l = 0; l < c.numLabels; l++)
        maxDiff = Math.max(maxDiff, Math.abs(ts[l] - logits[b * c.numLabels + l]));
      for (let s = 0; s < row.length; s++) {
        for (let j = 0; j < c.hiddenSize; j++) {
          const onnx = hidden[(b * seq + s) * c.hiddenSize + j];
          maxDiff = Math.max(maxDiff, Math.abs(acts.h[s * c.hiddenSize + j] - onnx));
        }
      }
    });
    expect(maxDiff).toBeLessThan(1e-5);
    // The logits differ between texts, so the comparison above is not trivially between constants.
    expect(Math.abs(logits[0] - logits[2])).toBeGreaterThan(1e-3);
  });
});
