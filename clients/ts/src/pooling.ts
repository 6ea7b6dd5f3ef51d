/**
 * The embedding of the Aporia guide made correct for padded batches: the attention-mask-weighted mean
 * of the last hidden state (the guide's `torch.mean(hidden_states[-1], dim=1)` counts the padding).
 */

type Matrix = ArrayLike<ArrayLike<number>>;

function poolOne(hidden: Matrix, mask: ArrayLike<number>): number[] {
  if (hidden.length !== mask.length)
    throw new RangeError(`hidden states have ${hidden.length} positions but the mask has ${mask.length}`);
  const width = hidden.length > 0 ? hidden[0].length : 0;
  const total = new Array<number>(width).fill(0);
  let weight = 0;
  for (let t = 0; t < hidden.length; t++) {
    const m = mask[t];
    if (m === 0) continue;
    const row = hidden[t];
    if (row.length !== width) throw new RangeError('every position must have the same hidden size');
    weight += m;
    for (let j = 0; j < width; j++) total[j] += m * row[j];
  }
  if (weight === 0) throw new RangeError('the attention mask is all zeros: no token to average');
  return total.map((v) => v / weight);
}

/**
 * `[batch][seq][hidden]` + `[batch][seq]` → one vector per text; `[seq][hidden]` + `[seq]` → one vector.
 * Also takes a flat `Float32Array` of `[batch, seq, hidden]` (an ONNX output) with `dims`.
 */
export function meanPool(lastHiddenState: Matrix, attentionMask: ArrayLike<number>): number[];
export function meanPool(lastHiddenState: ArrayLike<Matrix>, attentionMask: Matrix): number[][];
export function meanPool(
  lastHiddenState: ArrayLike<number>,
  attentionMask: ArrayLike<number>,
  dims: readonly [number, number, number],
): number[][];
export function meanPool(
  hidden: ArrayLike<unknown>,
  mask: ArrayLike<unknown>,
  dims?: readonly [number, number, number],
): number[] | number[][] {
  if (dims) {
    const [batch, seq, width] = dims;
    const flat = hidden as ArrayLike<number>;
    const m = mask as ArrayLike<number>;
    if (flat.length !== batch * seq * width || m.length !== batch * seq)
      throw new RangeError(`the arrays do not have the shape [${dims.join(', ')}]`);
    const out: number[][] = [];
    for (let b = 0; b < batch; b++) {
      const rows = Array.from(
        { length: seq },
        (_, t) =>
          Array.prototype.slice.call(flat, (b * seq + t) * width, (b * seq + t + 1) * width) as number[],
      );
      out.push(poolOne(rows, Array.prototype.slice.call(m, b * seq, (b + 1) * seq) as number[]));
    }
    return out;
  }
  if (hidden.length === 0) throw new RangeError('no hidden states');
  const first = (hidden as Matrix)[0][0] as unknown;
  if (typeof first === 'number') return poolOne(hidden as Matrix, mask as ArrayLike<number>);
  const batch = hidden as ArrayLike<Matrix>;
  const masks = mask as Matrix;
  if (batch.length !== masks.length)
    throw new RangeError(`${batch.length} texts of hidden states but ${masks.length} attention masks`);
  return Array.from({ length: batch.length }, (_, i) => poolOne(batch[i], masks[i]));
}
