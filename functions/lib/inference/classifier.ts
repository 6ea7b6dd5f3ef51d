/** A TextClassifier over a tokenizer and an encoder session: one session run per batch. */
import { ModelBundleError } from './errors.ts';
import { argmax, meanPoolRow, softmaxRow } from './pooling.ts';
import type { EncoderSession } from './session.ts';
import type { BatchTokenizer } from './tokenize.ts';
import type { ModelInfo, Prediction, TextClassifier } from './types.ts';

export interface LoadedTextClassifier extends TextClassifier {
  readonly usesTokenTypeIds: boolean;
  readonly tokenizer: BatchTokenizer;
  /** Frees the native session; predict must not be called afterwards. */
  close(): Promise<void>;
}

export function createTextClassifier(
  info: ModelInfo,
  tokenizer: BatchTokenizer,
  session: EncoderSession,
): LoadedTextClassifier {
  const numLabels = info.labels.length;

  async function predict(texts: readonly string[]): Promise<Prediction[]> {
    if (texts.length === 0) return [];
    const batch = tokenizer.encodeBatch(texts);
    const out = await session.run(batch);
    if (out.numLabels !== numLabels) {
      throw new ModelBundleError(
        'MODEL_BUNDLE_INVALID',
        `model outputs ${out.numLabels} logits but config.json id2label has ${numLabels} labels`,
      );
    }
    const predictions = new Array<Prediction>(texts.length);
    for (let row = 0; row < texts.length; row++) {
      const encoded = batch.texts[row];
      const probabilities = softmaxRow(out.logits, row, numLabels);
      const best = argmax(probabilities);
      predictions[row] = {
        label: info.labels[best],
        score: probabilities[best],
        probabilities,
        embedding: meanPoolRow(out.hidden, row, batch.seqLength, out.hiddenSize, encoded.ids.length),
        tokenCount: encoded.tokenCount,
        truncated: encoded.truncated,
        unknownTokenRatio: encoded.unknownTokenRatio,
        tokenIds: encoded.ids,
      };
    }
    return predictions;
  }

  return {
    info,
    usesTokenTypeIds: session.usesTokenTypeIds,
    tokenizer,
    predict,
    close: () => session.release(),
  };
}
