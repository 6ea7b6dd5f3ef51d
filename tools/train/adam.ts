/**
 * Adam (Kingma & Ba 2015). Dense tensors update every step; the embedding table updates only the
 * rows a batch touched ("lazy" Adam), since a batch of short texts reads a few hundred of ~10k rows.
 */
import { type ConvClassifierParams, PARAM_NAMES } from './model.ts';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam {
  private readonly m: ConvClassifierParams;
  private readonly v: ConvClassifierParams;
  private step = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;

  constructor(
    private readonly params: ConvClassifierParams,
    private readonly embedDim: number,
    private options: AdamOptions,
  ) {
    const zeros = (a: Float32Array) => new Float32Array(a.length);
    this.m = mapParams(params, zeros);
    this.v = mapParams(params, zeros);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  setLearningRate(learningRate: number): void {
    this.options = { ...this.options, learningRate };
  }

  /** Applies one update from `grads`; `rows` are the embedding rows with a gradient this step. */
  update(grads: ConvClassifierParams, rows: readonly number[]): void {
    this.step++;
    const lr =
      (this.options.learningRate * Math.sqrt(1 - this.beta2 ** this.step)) / (1 - this.beta1 ** this.step);
    for (const name of PARAM_NAMES) {
      if (name === 'embeddings') continue;
      this.apply(this.params[name], grads[name], this.m[name], this.v[name], 0, this.params[name].length, lr);
    }
    const D = this.embedDim;
    for (const row of rows) {
      this.apply(
        this.params.embeddings,
        grads.embeddings,
        this.m.embeddings,
        this.v.embeddings,
        row * D,
        row * D + D,
        lr,
      );
    }
  }

  private apply(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    from: number,
    to: number,
    lr: number,
  ): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    for (let i = from; i < to; i++) {
      const gi = g[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      w[i] -= (lr * m[i]) / (Math.sqrt(v[i]) + eps);
    }
  }
}

export function mapParams(
  p: ConvClassifierParams,
  fn: (a: Float32Array, name: (typeof PARAM_NAMES)[number]) => Float32Array,
): ConvClassifierParams {
  return {
    embeddings: fn(p.embeddings, 'embeddings'),
    convWeight: fn(p.convWeight, 'convWeight'),
    convBias: fn(p.convBias, 'convBias'),
    outWeight: fn(p.outWeight, 'outWeight'),
    outBias: fn(p.outBias, 'outBias'),
  };
}
