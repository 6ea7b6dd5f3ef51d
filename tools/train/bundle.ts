/** Trains the default classifier from labelled texts and renders the model-bundle files in memory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEncoderModel } from '../onnx/encoder-graph.ts';
import { learnWordPieceVocab } from '../wordpiece/learn-vocab.ts';
import { buildTokenizerConfig, buildTokenizerJson } from '../wordpiece/tokenizer-json.ts';
import { createTokenizer, encodeExamples } from './encode.ts';
import { splitSentenceHoldout } from './holdout.ts';
import {
  type ConvClassifierConfig,
  type ConvClassifierParams,
  type Pooling,
  toEncoderWeights,
} from './model.ts';
import { createRng } from './rng.ts';
import type { LabelledText } from './sst2.ts';
import { evaluateAccuracy, type TrainResult, trainClassifier } from './trainer.ts';

export interface DefaultModelOptions {
  name: string;
  version: string;
  seed: number;
  vocabSize: number;
  maxLength: number;
  embedDim: number;
  hiddenSize: number;
  kernelSize: number;
  pooling: Pooling;
  maxEpochs: number;
  batchSize: number;
  learningRate: number;
  dropout: number;
  patience: number;
  decayOnPlateau: number;
  /** Share of the training rows held out (as whole sentences) for early stopping. */
  holdoutFraction: number;
  /** A row needs this many words to be held out as a sentence. */
  holdoutMinWords: number;
  checksPerEpoch: number;
}

export const DEFAULT_MODEL_OPTIONS: DefaultModelOptions = {
  name: 'vigil-sst2-cnn',
  version: '1.0.0',
  seed: 42,
  vocabSize: 10_000,
  maxLength: 128,
  embedDim: 64,
  hiddenSize: 128,
  kernelSize: 3,
  pooling: 'mean-max',
  maxEpochs: 3,
  batchSize: 32,
  learningRate: 0.002,
  dropout: 0.5,
  patience: 2,
  decayOnPlateau: 0.5,
  holdoutFraction: 0.01,
  holdoutMinWords: 12,
  checksPerEpoch: 2,
};

export const LABELS = ['NEGATIVE', 'POSITIVE'] as const;

export interface TrainedBundle {
  vocab: string[];
  config: ConvClassifierConfig;
  params: ConvClassifierParams;
  result: TrainResult;
  trainSize: number;
  /** Accuracy on `evaluation` rows (reported only; never used to choose anything). */
  evaluationAccuracy: number | null;
  /** File name -> contents, ready to write into the bundle folder. */
  files: Record<string, Uint8Array | string>;
}

export function trainBundle(
  trainRows: readonly LabelledText[],
  options: DefaultModelOptions,
  context: { now: Date; evaluation?: readonly LabelledText[]; log?: (message: string) => void },
): TrainedBundle {
  const log = context.log ?? (() => {});
  const vocab = learnWordPieceVocab(
    trainRows.map((r) => r.text),
    { vocabSize: options.vocabSize },
  );
  log(`learned a WordPiece vocabulary of ${vocab.length} tokens`);
  const tokenizer = createTokenizer(vocab, options.maxLength);
  // The split has its own stream so changing training settings never changes which rows are held out.
  const split = splitSentenceHoldout(
    trainRows,
    { count: Math.round(trainRows.length * options.holdoutFraction), minWords: options.holdoutMinWords },
    createRng(options.seed ^ 0x5eed),
  );
  const train = encodeExamples(tokenizer, split.train, options.maxLength);
  const holdout = encodeExamples(tokenizer, split.holdout, options.maxLength);
  log(
    `training on ${train.length} texts, early stopping on ${holdout.length} held-out training sentences ` +
      `(${split.dropped} phrases of those sentences left out of training)`,
  );
  const config: ConvClassifierConfig = {
    vocabSize: vocab.length,
    embedDim: options.embedDim,
    hiddenSize: options.hiddenSize,
    kernelSize: options.kernelSize,
    numLabels: LABELS.length,
    pooling: options.pooling,
  };
  const result = trainClassifier(config, train, holdout, { ...options, log });
  const evaluationAccuracy = context.evaluation
    ? evaluateAccuracy(
        config,
        result.params,
        encodeExamples(tokenizer, context.evaluation, options.maxLength),
      )
    : null;
  const modelConfig = {
    name: options.name,
    version: options.version,
    architectures: ['VigilConvEncoder'],
    model_type: 'vigil-conv-encoder',
    id2label: Object.fromEntries(LABELS.map((label, i) => [String(i), label])),
    label2id: Object.fromEntries(LABELS.map((label, i) => [label, i])),
    max_length: options.maxLength,
    hidden_size: options.hiddenSize,
    embed_dim: options.embedDim,
    kernel_size: options.kernelSize,
    pooling: options.pooling,
    vocab_size: vocab.length,
    pad_token_id: 0,
    training: {
      dataset: 'SST-2 (GLUE) train',
      seed: options.seed,
      epochs: result.history.length / options.checksPerEpoch,
      best_epoch: result.bestEpoch,
      holdout_accuracy: round(result.holdoutAccuracy),
      dev_accuracy: evaluationAccuracy === null ? null : round(evaluationAccuracy),
      train_size: train.length,
      holdout_size: holdout.length,
      holdout_phrases_dropped: split.dropped,
      hyperparameters: {
        batch_size: options.batchSize,
        learning_rate: options.learningRate,
        dropout: options.dropout,
        max_epochs: options.maxEpochs,
      },
      date: context.now.toISOString(),
    },
  };
  const onnx = buildEncoderModel(toEncoderWeights(config, result.params), {
    producerVersion: options.version,
    docString: `${options.name} ${options.version}: convolutional sentiment encoder trained on SST-2`,
  });
  return {
    vocab,
    config,
    params: result.params,
    result,
    trainSize: train.length,
    evaluationAccuracy,
    files: {
      'model.onnx': onnx,
      'tokenizer.json': JSON.stringify(buildTokenizerJson(vocab)),
      'tokenizer_config.json': `${JSON.stringify(buildTokenizerConfig(options.maxLength), null, 2)}\n`,
      'config.json': `${JSON.stringify(modelConfig, null, 2)}\n`,
    },
  };
}

export function writeBundle(dir: string, files: Record<string, Uint8Array | string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
