/** Loads a model bundle folder into a ready TextClassifier. */
import { readModelBundle } from './bundle.ts';
import { createTextClassifier, type LoadedTextClassifier } from './classifier.ts';
import { ModelBundleError } from './errors.ts';
import { createEncoderSession, type SessionOptions } from './session.ts';
import { createBatchTokenizer } from './tokenize.ts';

export type { ModelBundle } from './bundle.ts';
export { readModelBundle } from './bundle.ts';
export type { LoadedTextClassifier } from './classifier.ts';
export { createTextClassifier } from './classifier.ts';
export { ModelBundleError } from './errors.ts';
export type { ModelInfo, Prediction, TextClassifier } from './types.ts';

export type LoadOptions = SessionOptions;

export async function loadTextClassifier(
  dir: string,
  options: LoadOptions = {},
): Promise<LoadedTextClassifier> {
  const bundle = await readModelBundle(dir);
  const tokenizer = createBatchTokenizer(bundle.tokenizerJson, bundle.tokenizerConfig, {
    maxLength: bundle.info.maxLength,
    padTokenId: bundle.padTokenId,
  });
  const session = await createEncoderSession(bundle.modelPath, options);
  // One warm-up run checks the output shapes against config.json and learns the true hidden size.
  const probe = await session.run(tokenizer.encodeBatch(['']));
  if (probe.numLabels !== bundle.info.labels.length) {
    await session.release();
    throw new ModelBundleError(
      'MODEL_BUNDLE_INVALID',
      `${bundle.modelPath} outputs ${probe.numLabels} logits but config.json id2label has ${bundle.info.labels.length} labels`,
    );
  }
  const info = { ...bundle.info, hiddenSize: probe.hiddenSize };
  return createTextClassifier(info, tokenizer, session);
}
