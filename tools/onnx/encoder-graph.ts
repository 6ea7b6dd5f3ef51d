/**
 * Writes Vigil's default text-classifier architecture as an ONNX graph (opset 13) with onnx-proto.
 *
 * The graph follows the model-bundle contract of DESIGN.md, the same as a Hugging Face DistilBERT export:
 *   inputs  input_ids, attention_mask[, token_type_ids]   int64 [batch, seq]
 *   outputs logits [batch, labels], last_hidden_state [batch, seq, hidden]
 *
 * Architecture (a small convolutional encoder):
 *   x    = (E[input_ids] (+ T[token_type_ids])) * mask          [B,S,D]   masked so padding reads as zeros
 *   h    = tanh(conv1d(x, W, b, kernel K, same padding))          [B,S,H]   = last_hidden_state
 *   pool = sum_s(h * mask) / max(sum_s(mask), 1)                   [B,H]
 *   logits = pool @ Wo + bo                                        [B,L]
 * With `pooling: 'mean-max'` pool is [mean ; max over real tokens] ([B,2H], 0 for a text with no tokens).
 * Masking before the convolution makes a padded batch compute exactly what each text computes alone.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IValueInfoProto = onnxProto.onnx.IValueInfoProto;

export interface EncoderWeights {
  /** Token embeddings, row-major [vocabSize, embedDim]. */
  embeddings: Float32Array;
  vocabSize: number;
  embedDim: number;
  /** Optional token-type embeddings [typeVocabSize, embedDim]; when present the graph takes token_type_ids. */
  tokenTypeEmbeddings?: Float32Array;
  typeVocabSize?: number;
  /** Conv weights [hidden, embedDim, kernel] (ONNX Conv layout) and bias [hidden]. */
  convWeight: Float32Array;
  convBias: Float32Array;
  hiddenSize: number;
  kernelSize: number;
  /** How `last_hidden_state` is pooled before the output layer. @default 'mean' */
  pooling?: 'mean' | 'mean-max';
  /** Output layer [pooled, labels] (pooled = hidden, or 2 * hidden for 'mean-max') and bias [labels]. */
  outWeight: Float32Array;
  outBias: Float32Array;
  numLabels: number;
}

export interface EncoderGraphOptions {
  producerVersion?: string;
  docString?: string;
}

export function buildEncoderModel(w: EncoderWeights, options: EncoderGraphOptions = {}): Uint8Array {
  validate(w);
  const useTypes = w.tokenTypeEmbeddings !== undefined;
  const pad = (w.kernelSize - 1) / 2;
  const pooledDim = pooledWidth(w);
  const initializers: ITensorProto[] = [
    floatTensor('embeddings', [w.vocabSize, w.embedDim], w.embeddings),
    floatTensor('conv_weight', [w.hiddenSize, w.embedDim, w.kernelSize], w.convWeight),
    floatTensor('conv_bias', [w.hiddenSize], w.convBias),
    floatTensor('out_weight', [pooledDim, w.numLabels], w.outWeight),
    floatTensor('out_bias', [w.numLabels], w.outBias),
    int64Tensor('axis_seq', [1], [1]),
    int64Tensor('axis_last', [1], [2]),
    floatTensor('one', [], new Float32Array([1])),
  ];
  const nodes: INodeProto[] = [node('Gather', ['embeddings', 'input_ids'], ['tok_emb'], { axis: 0 })];
  let emb = 'tok_emb';
  if (useTypes) {
    initializers.push(
      floatTensor(
        'type_embeddings',
        [w.typeVocabSize ?? 2, w.embedDim],
        w.tokenTypeEmbeddings as Float32Array,
      ),
    );
    nodes.push(node('Gather', ['type_embeddings', 'token_type_ids'], ['type_emb'], { axis: 0 }));
    nodes.push(node('Add', ['tok_emb', 'type_emb'], ['sum_emb']));
    emb = 'sum_emb';
  }
  nodes.push(
    node('Cast', ['attention_mask'], ['mask_f'], { to: onnx.TensorProto.DataType.FLOAT }),
    node('Unsqueeze', ['mask_f', 'axis_last'], ['mask3']),
    node('Mul', [emb, 'mask3'], ['x_masked']),
    node('Transpose', ['x_masked'], ['x_t'], { perm: [0, 2, 1] }),
    node('Conv', ['x_t', 'conv_weight', 'conv_bias'], ['conv_out'], {
      kernel_shape: [w.kernelSize],
      pads: [pad, pad],
    }),
    node('Transpose', ['conv_out'], ['conv_t'], { perm: [0, 2, 1] }),
    node('Tanh', ['conv_t'], ['last_hidden_state']),
    node('Mul', ['last_hidden_state', 'mask3'], ['h_masked']),
    node('ReduceSum', ['h_masked', 'axis_seq'], ['h_sum'], { keepdims: 0 }),
    node('ReduceSum', ['mask3', 'axis_seq'], ['mask_count'], { keepdims: 0 }),
    node('Max', ['mask_count', 'one'], ['mask_count_safe']),
    node('Div', ['h_sum', 'mask_count_safe'], ['pooled_mean']),
  );
  let pooled = 'pooled_mean';
  if (w.pooling === 'mean-max') {
    // tanh is in [-1, 1], so subtracting 4 at padding keeps padded positions out of the max.
    initializers.push(floatTensor('pad_penalty', [], new Float32Array([4])));
    nodes.push(
      node('Sub', ['mask3', 'one'], ['mask_minus_one']),
      node('Mul', ['mask_minus_one', 'pad_penalty'], ['mask_penalty']),
      node('Add', ['last_hidden_state', 'mask_penalty'], ['h_for_max']),
      node('ReduceMax', ['h_for_max'], ['h_max'], { axes: [1], keepdims: 0 }),
      node('Min', ['mask_count', 'one'], ['has_tokens']),
      node('Mul', ['h_max', 'has_tokens'], ['pooled_max']),
      node('Concat', ['pooled_mean', 'pooled_max'], ['pooled_mean_max'], { axis: 1 }),
    );
    pooled = 'pooled_mean_max';
  }
  nodes.push(
    node('MatMul', [pooled, 'out_weight'], ['logits_raw']),
    node('Add', ['logits_raw', 'out_bias'], ['logits']),
  );

  const inputs: IValueInfoProto[] = [
    valueInfo('input_ids', onnx.TensorProto.DataType.INT64, ['batch', 'sequence']),
    valueInfo('attention_mask', onnx.TensorProto.DataType.INT64, ['batch', 'sequence']),
  ];
  if (useTypes)
    inputs.push(valueInfo('token_type_ids', onnx.TensorProto.DataType.INT64, ['batch', 'sequence']));

  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'vigil',
    producerVersion: options.producerVersion ?? '0.1.0',
    docString: options.docString ?? 'Vigil convolutional text encoder',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'vigil_encoder',
      node: nodes,
      initializer: initializers,
      input: inputs,
      output: [
        valueInfo('logits', onnx.TensorProto.DataType.FLOAT, ['batch', w.numLabels]),
        valueInfo('last_hidden_state', onnx.TensorProto.DataType.FLOAT, ['batch', 'sequence', w.hiddenSize]),
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function validate(w: EncoderWeights): void {
  const expect = (name: string, actual: number, wanted: number) => {
    if (actual !== wanted) throw new Error(`${name} has ${actual} values, expected ${wanted}`);
  };
  if (w.kernelSize % 2 !== 1) throw new Error(`kernelSize must be odd for same padding, got ${w.kernelSize}`);
  expect('embeddings', w.embeddings.length, w.vocabSize * w.embedDim);
  expect('convWeight', w.convWeight.length, w.hiddenSize * w.embedDim * w.kernelSize);
  expect('convBias', w.convBias.length, w.hiddenSize);
  expect('outWeight', w.outWeight.length, pooledWidth(w) * w.numLabels);
  expect('outBias', w.outBias.length, w.numLabels);
  if (w.tokenTypeEmbeddings) {
    expect('tokenTypeEmbeddings', w.tokenTypeEmbeddings.length, (w.typeVocabSize ?? 2) * w.embedDim);
  }
}

function pooledWidth(w: EncoderWeights): number {
  return w.pooling === 'mean-max' ? 2 * w.hiddenSize : w.hiddenSize;
}

type AttributeValue = number | number[];

function node(opType: string, input: string[], output: string[], attrs: Record<string, AttributeValue> = {}) {
  const attribute = Object.entries(attrs).map(([name, value]) =>
    Array.isArray(value)
      ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value }
      : { name, type: onnx.AttributeProto.AttributeType.INT, i: value },
  );
  return { opType, input, output, name: `${opType}_${output[0]}`, attribute };
}

function floatTensor(name: string, dims: number[], values: Float32Array): ITensorProto {
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes };
}

function int64Tensor(name: string, dims: number[], values: number[]): ITensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return { name, dims, dataType: onnx.TensorProto.DataType.INT64, rawData: bytes };
}

function valueInfo(name: string, elemType: number, shape: (string | number)[]): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
