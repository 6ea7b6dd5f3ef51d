import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedTextClassifier, loadTextClassifier } from '../../../functions/lib/inference/index.ts';

const dir = fileURLToPath(new URL('../../../layers/model', import.meta.url));

// Sentences written for this test (not from any dataset), with an obvious sentiment.
const positive = [
  'a wonderful , warm and funny film that i loved .',
  'the performances are brilliant and the story is moving .',
  'an enjoyable , beautifully made delight .',
];
const negative = [
  'a dull , boring mess that wastes its talented cast .',
  'the plot is stupid and the jokes are painfully bad .',
  'tedious , lifeless and far too long .',
];

describe('the committed default model bundle (layers/model)', () => {
  let classifier: LoadedTextClassifier;
  beforeAll(async () => {
    classifier = await loadTextClassifier(dir);
  });
  afterAll(async () => {
    await classifier.close();
  });

  it('declares the contract: labels, max length, name and version, and a model under 16 MB', async () => {
    const config = JSON.parse(readFileSync(`${dir}/config.json`, 'utf8'));
    expect(config).toMatchObject({
      name: 'vigil-sst2-cnn',
      version: '1.0.0',
      id2label: { 0: 'NEGATIVE', 1: 'POSITIVE' },
      label2id: { NEGATIVE: 0, POSITIVE: 1 },
      max_length: 128,
    });
    expect(statSync(`${dir}/model.onnx`).size).toBeLessThanOrEqual(16 * 1024 * 1024);
    const session = await ort.InferenceSession.create(`${dir}/model.onnx`);
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect([...session.outputNames].sort()).toEqual(['last_hidden_state', 'logits']);
    expect(classifier.info).toMatchObject({
      labels: ['NEGATIVE', 'POSITIVE'],
      hiddenSize: config.hidden_size,
    });
  });

  it('labels clearly positive and clearly negative sentences correctly', async () => {
    const predictions = await classifier.predict([...positive, ...negative]);
    expect(predictions.map((p) => p.label)).toEqual([
      ...positive.map(() => 'POSITIVE'),
      ...negative.map(() => 'NEGATIVE'),
    ]);
  });

  it('gives each text the same result alone as in a padded batch', async () => {
    const batch = await classifier.predict([...positive, ...negative]);
    for (const [i, text] of [...positive, ...negative].entries()) {
      const [alone] = await classifier.predict([text]);
      expect(alone.probabilities[1]).toBeCloseTo(batch[i].probabilities[1], 5);
      expect(Math.max(...alone.embedding.map((v, j) => Math.abs(v - batch[i].embedding[j])))).toBeLessThan(
        1e-5,
      );
    }
  });
});
