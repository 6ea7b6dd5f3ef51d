/**
 * The forward and backward pass of the encoder that tools/onnx/encoder-graph.ts writes, on one text
 * at a time (so no padding exists during training; the graph's masking makes padded batches equal):
 *   x = E[ids]; h = tanh(conv1d(x) + b) = last_hidden_state; pool = mean_t h (, max_t h); logits = pool Wo + bo
 */
import type { EncoderWeights } from '../onnx/encoder-graph.ts';
import type { Rng } from './rng.ts';

export type Pooling = 'mean' | 'mean-max';

export interface ConvClassifierConfig {
  vocabSize: number;
  embedDim: number;
  hiddenSize: number;
  kernelSize: number;
  numLabels: number;
  pooling: Pooling;
}

/** Trainable tensors. convWeight is [kernel, embedDim, hidden] here (inner loops run over hidden). */
export interface ConvClassifierParams {
  embeddings: Float32Array;
  convWeight: Float32Array;
  convBias: Float32Array;
  outWeight: Float32Array;
  outBias: Float32Array;
}

export const PARAM_NAMES = ['embeddings', 'convWeight', 'convBias', 'outWeight', 'outBias'] as const;

export function pooledSize(c: ConvClassifierConfig): number {
  return c.pooling === 'mean-max' ? 2 * c.hiddenSize : c.hiddenSize;
}

export function zeroParams(c: ConvClassifierConfig): ConvClassifierParams {
  return {
    embeddings: new Float32Array(c.vocabSize * c.embedDim),
    convWeight: new Float32Array(c.kernelSize * c.embedDim * c.hiddenSize),
    convBias: new Float32Array(c.hiddenSize),
    outWeight: new Float32Array(pooledSize(c) * c.numLabels),
    outBias: new Float32Array(c.numLabels),
  };
}

/** Embeddings ~ N(0, 0.1^2); conv and output layers Glorot-uniform; biases zero. */
export function initParams(c: ConvClassifierConfig, rng: Rng): ConvClassifierParams {
  const p = zeroParams(c);
  for (let i = 0; i < p.embeddings.length; i++) p.embeddings[i] = 0.1 * rng.normal();
  const convLimit = Math.sqrt(6 / ((c.embedDim + c.hiddenSize) * c.kernelSize));
  for (let i = 0; i < p.convWeight.length; i++) p.convWeight[i] = (2 * rng.next() - 1) * convLimit;
  const outLimit = Math.sqrt(6 / (pooledSize(c) + c.numLabels));
  for (let i = 0; i < p.outWeight.length; i++) p.outWeight[i] = (2 * rng.next() - 1) * outLimit;
  return p;
}

/** Per-text activations kept for the backward pass; sized once for the longest text. */
export class Activations {
  readonly x: Float32Array;
  readonly h: Float32Array;
  readonly dh: Float32Array;
  readonly pooled: Float32Array;
  readonly dPooled: Float32Array;
  readonly argmax: Int32Array;
  readonly logits: Float32Array;
  readonly probs: Float32Array;
  length = 0;
  dropMask: Float32Array | null = null;

  constructor(c: ConvClassifierConfig, maxLength: number) {
    this.x = new Float32Array(maxLength * c.embedDim);
    this.h = new Float32Array(maxLength * c.hiddenSize);
    this.dh = new Float32Array(maxLength * c.hiddenSize);
    this.pooled = new Float32Array(pooledSize(c));
    this.dPooled = new Float32Array(pooledSize(c));
    this.argmax = new Int32Array(c.hiddenSize);
    this.logits = new Float32Array(c.numLabels);
    this.probs = new Float32Array(c.numLabels);
  }
}

/**
 * Runs one text. `dropMask` (0 or 1/(1-p) per pooled unit) applies inverted dropout to the pooled
 * vector during training; leave it null to infer. Returns the logits (a view into `a`).
 */
export function forward(
  c: ConvClassifierConfig,
  p: ConvClassifierParams,
  ids: ArrayLike<number>,
  a: Activations,
  dropMask: Float32Array | null = null,
): Float32Array {
  const { embedDim: D, hiddenSize: H, kernelSize: K, numLabels: L } = c;
  const S = ids.length;
  const pad = (K - 1) >> 1;
  const { x, h, pooled, argmax, logits } = a;
  a.length = S;
  a.dropMask = dropMask;
  for (let s = 0; s < S; s++) x.set(p.embeddings.subarray(ids[s] * D, ids[s] * D + D), s * D);
  const W = p.convWeight;
  for (let t = 0; t < S; t++) {
    const hRow = t * H;
    h.set(p.convBias, hRow);
    for (let k = 0; k < K; k++) {
      const s = t + k - pad;
      if (s < 0 || s >= S) continue;
      for (let d = 0; d < D; d++) {
        const xv = x[s * D + d];
        const wBase = (k * D + d) * H;
        for (let j = 0; j < H; j++) h[hRow + j] += xv * W[wBase + j];
      }
    }
    for (let j = 0; j < H; j++) h[hRow + j] = Math.tanh(h[hRow + j]);
  }
  pooled.fill(0);
  const withMax = c.pooling === 'mean-max';
  for (let j = 0; j < H; j++) {
    let sum = 0;
    let best = -Infinity;
    let bestT = -1;
    for (let t = 0; t < S; t++) {
      const v = h[t * H + j];
      sum += v;
      if (v > best) {
        best = v;
        bestT = t;
      }
    }
    pooled[j] = S > 0 ? sum / S : 0;
    if (withMax) {
      pooled[H + j] = S > 0 ? best : 0;
      argmax[j] = bestT;
    }
  }
  if (dropMask) for (let i = 0; i < pooled.length; i++) pooled[i] *= dropMask[i];
  const P = pooled.length;
  for (let l = 0; l < L; l++) {
    let z = p.outBias[l];
    for (let i = 0; i < P; i++) z += pooled[i] * p.outWeight[i * L + l];
    logits[l] = z;
  }
  return logits;
}

/** Softmax cross-entropy of the last forward; writes probabilities into `a.probs`. */
export function crossEntropy(a: Activations, label: number): number {
  const { logits, probs } = a;
  let max = -Infinity;
  for (let l = 0; l < logits.length; l++) max = Math.max(max, logits[l]);
  let z = 0;
  for (let l = 0; l < logits.length; l++) z += Math.exp(logits[l] - max);
  for (let l = 0; l < logits.length; l++) probs[l] = Math.exp(logits[l] - max) / z;
  return -(logits[label] - max - Math.log(z));
}

/**
 * Adds d(scale * loss)/d(params) of the last forward to `g` (same shapes as params), for the
 * softmax cross-entropy against `label`. Embedding rows written are reported through `touchRow`.
 */
export function backward(
  c: ConvClassifierConfig,
  p: ConvClassifierParams,
  ids: ArrayLike<number>,
  a: Activations,
  label: number,
  scale: number,
  g: ConvClassifierParams,
  touchRow: (row: number) => void,
): void {
  const { embedDim: D, hiddenSize: H, kernelSize: K, numLabels: L } = c;
  const S = a.length;
  const pad = (K - 1) >> 1;
  const { x, h, dh, pooled, dPooled, argmax, probs, dropMask } = a;
  const P = pooled.length;
  dPooled.fill(0);
  for (let l = 0; l < L; l++) {
    const dz = scale * (probs[l] - (l === label ? 1 : 0));
    g.outBias[l] += dz;
    for (let i = 0; i < P; i++) {
      g.outWeight[i * L + l] += pooled[i] * dz;
      dPooled[i] += p.outWeight[i * L + l] * dz;
    }
  }
  if (dropMask) for (let i = 0; i < P; i++) dPooled[i] *= dropMask[i];
  const withMax = c.pooling === 'mean-max';
  for (let t = 0; t < S; t++) {
    for (let j = 0; j < H; j++) {
      let grad = dPooled[j] / S;
      if (withMax && argmax[j] === t) grad += dPooled[H + j];
      const hv = h[t * H + j];
      dh[t * H + j] = grad * (1 - hv * hv);
    }
  }
  for (let t = 0; t < S; t++) for (let j = 0; j < H; j++) g.convBias[j] += dh[t * H + j];
  const W = p.convWeight;
  const gW = g.convWeight;
  for (let s = 0; s < S; s++) {
    const row = ids[s] * D;
    touchRow(ids[s]);
    for (let d = 0; d < D; d++) {
      const xv = x[s * D + d];
      let dx = 0;
      for (let k = 0; k < K; k++) {
        const t = s - k + pad;
        if (t < 0 || t >= S) continue;
        const wBase = (k * D + d) * H;
        const dBase = t * H;
        for (let j = 0; j < H; j++) {
          const dv = dh[dBase + j];
          gW[wBase + j] += xv * dv;
          dx += W[wBase + j] * dv;
        }
      }
      g.embeddings[row + d] += dx;
    }
  }
}

/** The trained tensors in the ONNX builder's layout (conv weight [hidden, embedDim, kernel]). */
export function toEncoderWeights(c: ConvClassifierConfig, p: ConvClassifierParams): EncoderWeights {
  const { embedDim: D, hiddenSize: H, kernelSize: K } = c;
  const convWeight = new Float32Array(H * D * K);
  for (let k = 0; k < K; k++)
    for (let d = 0; d < D; d++)
      for (let j = 0; j < H; j++) convWeight[(j * D + d) * K + k] = p.convWeight[(k * D + d) * H + j];
  return {
    embeddings: p.embeddings,
    vocabSize: c.vocabSize,
    embedDim: D,
    convWeight,
    convBias: p.convBias,
    hiddenSize: H,
    kernelSize: K,
    outWeight: p.outWeight,
    outBias: p.outBias,
    numLabels: c.numLabels,
    pooling: c.pooling,
  };
}
