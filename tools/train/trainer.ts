/**
 * Mini-batch training with Adam and early stopping on a held-out part of the training data.
 * Everything random (init, shuffles, dropout, the hold-out split) comes from one seeded Rng.
 */
import { Adam, mapParams } from './adam.ts';
import type { Example } from './encode.ts';
import {
  Activations,
  backward,
  type ConvClassifierConfig,
  type ConvClassifierParams,
  crossEntropy,
  forward,
  initParams,
  pooledSize,
  zeroParams,
} from './model.ts';
import { createRng } from './rng.ts';

export interface TrainOptions {
  seed: number;
  maxEpochs: number;
  batchSize: number;
  learningRate: number;
  /** Inverted dropout on the pooled vector. @default 0 */
  dropout?: number;
  /** Hold-out checks per pass over the data (early stopping can then pick part of an epoch). @default 1 */
  checksPerEpoch?: number;
  /** Stop after this many checks without a better hold-out accuracy. @default 2 */
  patience?: number;
  /** Multiply the learning rate by this after a check that did not improve. @default 1 */
  decayOnPlateau?: number;
  log?: (message: string) => void;
}

export interface EpochStats {
  epoch: number;
  trainLoss: number;
  holdoutAccuracy: number;
  seconds: number;
}

export interface TrainResult {
  params: ConvClassifierParams;
  bestEpoch: number;
  holdoutAccuracy: number;
  history: EpochStats[];
}

export function trainClassifier(
  config: ConvClassifierConfig,
  train: readonly Example[],
  holdout: readonly Example[],
  options: TrainOptions,
): TrainResult {
  const rng = createRng(options.seed);
  const log = options.log ?? (() => {});
  const params = initParams(config, rng);
  const grads = zeroParams(config);
  let learningRate = options.learningRate;
  const adam = new Adam(params, config.embedDim, { learningRate });
  const maxLength = Math.max(longest(train), longest(holdout));
  const acts = new Activations(config, maxLength);
  const dropout = options.dropout ?? 0;
  const dropMask = new Float32Array(pooledSize(config));
  const touched = new Uint8Array(config.vocabSize);
  const rows: number[] = [];
  const touchRow = (row: number) => {
    if (touched[row] === 0) {
      touched[row] = 1;
      rows.push(row);
    }
  };
  const order = train.map((_, i) => i);
  let best = { accuracy: -1, epoch: 0, check: 0, params: mapParams(params, (a) => a.slice()) };
  const history: EpochStats[] = [];

  const checks = Math.max(1, options.checksPerEpoch ?? 1);
  const patience = options.patience ?? 2;
  let lossSum = 0;
  let seen = 0;
  let started = performance.now();
  training: for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
    rng.shuffle(order);
    for (let check = 1; check <= checks; check++) {
      const segmentEnd = Math.round((order.length * check) / checks);
      for (
        let start = Math.round((order.length * (check - 1)) / checks);
        start < segmentEnd;
        start += options.batchSize
      ) {
        const end = Math.min(segmentEnd, start + options.batchSize);
        const scale = 1 / (end - start);
        for (let b = start; b < end; b++) {
          const ex = train[order[b]];
          if (dropout > 0) {
            for (let i = 0; i < dropMask.length; i++)
              dropMask[i] = rng.next() < dropout ? 0 : 1 / (1 - dropout);
          }
          forward(config, params, ex.ids, acts, dropout > 0 ? dropMask : null);
          lossSum += crossEntropy(acts, ex.label);
          seen++;
          backward(config, params, ex.ids, acts, ex.label, scale, grads, touchRow);
        }
        adam.update(grads, rows);
        clearGrads(grads, rows, config.embedDim, touched);
        rows.length = 0;
      }
      const accuracy = evaluateAccuracy(config, params, holdout, acts);
      const stats = {
        epoch: epoch - 1 + check / checks,
        trainLoss: lossSum / Math.max(1, seen),
        holdoutAccuracy: accuracy,
        seconds: (performance.now() - started) / 1000,
      };
      lossSum = 0;
      seen = 0;
      started = performance.now();
      history.push(stats);
      log(
        `epoch ${stats.epoch.toFixed(2)}: train loss ${stats.trainLoss.toFixed(4)}, hold-out accuracy ${accuracy.toFixed(4)} (${stats.seconds.toFixed(1)} s)`,
      );
      // Without a hold-out there is nothing to stop on, so the latest weights are kept.
      if (accuracy > best.accuracy || holdout.length === 0) {
        best = {
          accuracy,
          epoch: stats.epoch,
          check: history.length,
          params: mapParams(params, (a) => a.slice()),
        };
      } else {
        learningRate *= options.decayOnPlateau ?? 1;
        adam.setLearningRate(learningRate);
        if (history.length - best.check >= patience) {
          log(`early stop: no hold-out improvement since epoch ${best.epoch.toFixed(2)}`);
          break training;
        }
      }
    }
  }
  return { params: best.params, bestEpoch: best.epoch, holdoutAccuracy: best.accuracy, history };
}

function clearGrads(g: ConvClassifierParams, rows: readonly number[], D: number, touched: Uint8Array): void {
  g.convWeight.fill(0);
  g.convBias.fill(0);
  g.outWeight.fill(0);
  g.outBias.fill(0);
  for (const row of rows) {
    g.embeddings.fill(0, row * D, row * D + D);
    touched[row] = 0;
  }
}

/** Index of the largest logit for each example. */
export function predictLabels(
  config: ConvClassifierConfig,
  params: ConvClassifierParams,
  examples: readonly Example[],
  acts = new Activations(config, longest(examples)),
): number[] {
  return examples.map((ex) => {
    const logits = forward(config, params, ex.ids, acts);
    let bestLabel = 0;
    for (let l = 1; l < logits.length; l++) if (logits[l] > logits[bestLabel]) bestLabel = l;
    return bestLabel;
  });
}

export function evaluateAccuracy(
  config: ConvClassifierConfig,
  params: ConvClassifierParams,
  examples: readonly Example[],
  acts?: Activations,
): number {
  if (examples.length === 0) return 0;
  const predicted = predictLabels(config, params, examples, acts);
  return predicted.filter((label, i) => label === examples[i].label).length / examples.length;
}

function longest(examples: readonly Example[]): number {
  let max = 1;
  for (const e of examples) max = Math.max(max, e.ids.length);
  return max;
}
