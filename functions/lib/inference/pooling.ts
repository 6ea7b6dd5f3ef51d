/** Turns encoder outputs into what a prediction reports: probabilities and a pooled embedding. */

/** Numerically stable softmax of row `row` of a [rows, n] matrix. */
export function softmaxRow(logits: Float32Array, row: number, n: number): number[] {
  const base = row * n;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (logits[base + i] > max) max = logits[base + i];
  const out = new Array<number>(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(logits[base + i] - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i] /= sum;
  return out;
}

/**
 * Attention-mask-weighted mean of last_hidden_state for one row: the mean over the text's own
 * tokens only, so padding added for longer batch members never changes it. `validTokens` is the
 * row's unpadded length (its mask is 1 on [0, validTokens) and 0 after).
 */
export function meanPoolRow(
  hidden: Float32Array,
  row: number,
  seqLength: number,
  hiddenSize: number,
  validTokens: number,
): Float32Array {
  const acc = new Float64Array(hiddenSize);
  const base = row * seqLength * hiddenSize;
  for (let t = 0; t < validTokens; t++) {
    const offset = base + t * hiddenSize;
    for (let h = 0; h < hiddenSize; h++) acc[h] += hidden[offset + h];
  }
  const out = new Float32Array(hiddenSize);
  const count = Math.max(validTokens, 1);
  for (let h = 0; h < hiddenSize; h++) out[h] = acc[h] / count;
  return out;
}

/** Index of the largest value; the first one wins ties so results are deterministic. */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
