/** The ONNX Runtime session of a bundle: checks the contract's inputs and outputs, one run per batch. */
import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { ModelBundleError } from './errors.ts';
import type { EncodedBatch } from './tokenize.ts';

export interface EncoderOutput {
  /** [batch, labels] row-major. */
  logits: Float32Array;
  numLabels: number;
  /** [batch, seq, hidden] row-major. */
  hidden: Float32Array;
  hiddenSize: number;
}

export interface EncoderSession {
  /** True when the graph declares token_type_ids (BERT-style); DistilBERT exports do not. */
  readonly usesTokenTypeIds: boolean;
  run(batch: EncodedBatch): Promise<EncoderOutput>;
  release(): Promise<void>;
}

export interface SessionOptions {
  /** Threads per operator; small batches are latency-bound, so the default keeps ORT's choice. */
  intraOpNumThreads?: number;
  /** Let ORT's worker threads busy-wait between operators. @default false */
  spinning?: boolean;
}

const REQUIRED_INPUTS = ['input_ids', 'attention_mask'];
const REQUIRED_OUTPUTS = ['logits', 'last_hidden_state'];

export async function createEncoderSession(
  modelPath: string,
  options: SessionOptions = {},
): Promise<EncoderSession> {
  try {
    await access(modelPath);
  } catch {
    throw new ModelBundleError('MODEL_BUNDLE_INVALID', `model file missing: ${modelPath}`);
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, {
      graphOptimizationLevel: 'all',
      // Spinning worker threads burn the CPU that tokenization and other requests need (p99 4 ms vs 24 ms).
      extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } },
      ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    });
  } catch (err) {
    throw new ModelBundleError(
      'MODEL_BUNDLE_INVALID',
      `${modelPath} is not a loadable ONNX model: ${(err as Error).message}`,
    );
  }
  const missingIn = REQUIRED_INPUTS.filter((n) => !session.inputNames.includes(n));
  const missingOut = REQUIRED_OUTPUTS.filter((n) => !session.outputNames.includes(n));
  if (missingIn.length > 0 || missingOut.length > 0) {
    await session.release();
    throw new ModelBundleError(
      'MODEL_BUNDLE_INVALID',
      `${modelPath} does not meet the bundle contract: missing ${[
        ...missingIn.map((n) => `input ${n}`),
        ...missingOut.map((n) => `output ${n}`),
      ].join(', ')} (inputs: ${session.inputNames.join(', ')}; outputs: ${session.outputNames.join(', ')})`,
    );
  }
  const usesTokenTypeIds = session.inputNames.includes('token_type_ids');

  async function run(batch: EncodedBatch): Promise<EncoderOutput> {
    const dims = [batch.batchSize, batch.seqLength];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', batch.inputIds, dims),
      attention_mask: new ort.Tensor('int64', batch.attentionMask, dims),
    };
    if (usesTokenTypeIds) feeds.token_type_ids = new ort.Tensor('int64', batch.tokenTypeIds, dims);
    const out = await session.run(feeds, REQUIRED_OUTPUTS);
    const logits = out.logits;
    const hidden = out.last_hidden_state;
    try {
      if (logits.type !== 'float32' || hidden.type !== 'float32') {
        throw new ModelBundleError('MODEL_BUNDLE_INVALID', 'logits and last_hidden_state must be float32');
      }
      const numLabels = logits.dims[1];
      const hiddenSize = hidden.dims[2];
      if (logits.dims.length !== 2 || hidden.dims.length !== 3 || hidden.dims[1] !== batch.seqLength) {
        throw new ModelBundleError(
          'MODEL_BUNDLE_INVALID',
          `unexpected output shapes: logits [${logits.dims}], last_hidden_state [${hidden.dims}]`,
        );
      }
      // Copies detach the results from ORT's buffers so disposing the tensors frees native memory now.
      return {
        logits: Float32Array.from(logits.data as Float32Array),
        numLabels,
        hidden: Float32Array.from(hidden.data as Float32Array),
        hiddenSize,
      };
    } finally {
      logits.dispose();
      hidden.dispose();
    }
  }

  return { usesTokenTypeIds, run, release: () => session.release() };
}
