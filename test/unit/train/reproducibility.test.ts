import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_OPTIONS, type DefaultModelOptions, trainBundle } from '../../../tools/train/bundle.ts';
import type { LabelledText } from '../../../tools/train/sst2.ts';

// A synthetic corpus written for this test: sentiment is carried by the adjective.
const positive = ['great', 'wonderful', 'moving', 'charming', 'funny'];
const negative = ['dull', 'boring', 'awful', 'tedious', 'clumsy'];
const subjects = ['the film', 'this movie', 'the story', 'its cast', 'the ending', 'every scene'];
const corpus: LabelledText[] = subjects.flatMap((subject, i) =>
  [...positive.map((adj) => ({ adj, label: 1 })), ...negative.map((adj) => ({ adj, label: 0 }))].map(
    ({ adj, label }, j) => ({
      text: `${subject} ${j % 2 ? 'is' : 'feels'} ${adj}${i % 2 ? ' .' : ''}`,
      label,
    }),
  ),
);

const options: DefaultModelOptions = {
  ...DEFAULT_MODEL_OPTIONS,
  vocabSize: 80,
  embedDim: 8,
  hiddenSize: 6,
  maxEpochs: 5,
  batchSize: 4,
  learningRate: 0.02,
  holdoutFraction: 0.2,
  holdoutMinWords: 3,
  dropout: 0.2,
  checksPerEpoch: 2,
  patience: 10,
};
const now = new Date('2026-01-02T03:04:05Z');

describe('trainBundle', () => {
  it('gives byte-identical files for the same seed and different weights for another seed', () => {
    const a = trainBundle(corpus, options, { now });
    const b = trainBundle(corpus, options, { now });
    const c = trainBundle(corpus, { ...options, seed: 7 }, { now });
    expect(Buffer.from(a.files['model.onnx']).equals(Buffer.from(b.files['model.onnx']))).toBe(true);
    expect(a.files['tokenizer.json']).toBe(b.files['tokenizer.json']);
    expect(a.files['config.json']).toBe(b.files['config.json']);
    expect(Buffer.from(a.files['model.onnx']).equals(Buffer.from(c.files['model.onnx']))).toBe(false);
  });

  it('writes a config.json with the labels and training facts, and a model that runs in onnxruntime', async () => {
    const bundle = trainBundle(corpus, options, { now, evaluation: corpus.slice(0, 10) });
    const config = JSON.parse(bundle.files['config.json'] as string);
    expect(config).toMatchObject({
      name: 'vigil-sst2-cnn',
      architectures: ['VigilConvEncoder'],
      id2label: { 0: 'NEGATIVE', 1: 'POSITIVE' },
      label2id: { NEGATIVE: 0, POSITIVE: 1 },
      max_length: 128,
      hidden_size: 6,
      vocab_size: bundle.vocab.length,
      training: { seed: 42, train_size: bundle.trainSize, date: '2026-01-02T03:04:05.000Z' },
    });
    expect(config.training.dev_accuracy).toBe(
      Math.round((bundle.evaluationAccuracy as number) * 10_000) / 10_000,
    );
    // The adjective decides the label, so even this tiny model separates the corpus.
    expect(bundle.result.holdoutAccuracy).toBeGreaterThanOrEqual(0.9);

    const session = await ort.InferenceSession.create(bundle.files['model.onnx'] as Uint8Array);
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect([...session.outputNames].sort()).toEqual(['last_hidden_state', 'logits']);
  });
});
