/**
 * Trains Vigil's default sentiment model on SST-2 and writes the bundle (model.onnx, tokenizer.json,
 * tokenizer_config.json, config.json):
 *   node bin/run-ts.mjs tools/train-default-model.ts --datasets DIR [--out layers/model] [--seed 42]
 * DIR holds sst2/train.tsv and sst2/dev.tsv (GLUE SST-2). Dev is only reported, never used to choose.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_OPTIONS, type DefaultModelOptions, trainBundle, writeBundle } from './train/bundle.ts';
import { readSst2 } from './train/sst2.ts';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string' },
    out: { type: 'string', default: 'layers/model' },
    seed: { type: 'string' },
    epochs: { type: 'string' },
    'vocab-size': { type: 'string' },
    'embed-dim': { type: 'string' },
    'hidden-size': { type: 'string' },
    'kernel-size': { type: 'string' },
    'dropout-percent': { type: 'string' },
  },
});
if (!values.datasets) {
  console.error(
    'DATASETS_DIR_REQUIRED: usage: npm run train -- --datasets DIR [--out layers/model] [--seed 42]',
  );
  process.exit(2);
}

function intOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`INVALID_OPTION: --${name} must be a non-negative integer, got ${raw}`);
    process.exit(2);
  }
  return n;
}

const options: DefaultModelOptions = {
  ...DEFAULT_MODEL_OPTIONS,
  seed: intOption('seed', values.seed, DEFAULT_MODEL_OPTIONS.seed),
  maxEpochs: intOption('epochs', values.epochs, DEFAULT_MODEL_OPTIONS.maxEpochs),
  vocabSize: intOption('vocab-size', values['vocab-size'], DEFAULT_MODEL_OPTIONS.vocabSize),
  embedDim: intOption('embed-dim', values['embed-dim'], DEFAULT_MODEL_OPTIONS.embedDim),
  hiddenSize: intOption('hidden-size', values['hidden-size'], DEFAULT_MODEL_OPTIONS.hiddenSize),
  kernelSize: intOption('kernel-size', values['kernel-size'], DEFAULT_MODEL_OPTIONS.kernelSize),
  dropout: intOption('dropout-percent', values['dropout-percent'], DEFAULT_MODEL_OPTIONS.dropout * 100) / 100,
};
const started = performance.now();
const train = readSst2(values.datasets, 'train');
const dev = readSst2(values.datasets, 'dev');
console.log(`SST-2: ${train.length} train rows, ${dev.length} dev rows; seed ${options.seed}`);
const bundle = trainBundle(train, options, {
  now: new Date(),
  evaluation: dev,
  log: (message) => console.log(message),
});
const out = resolve(values.out ?? 'layers/model');
writeBundle(out, bundle.files);
const modelBytes = statSync(resolve(out, 'model.onnx')).size;
console.log(
  `best epoch ${bundle.result.bestEpoch}: hold-out accuracy ${bundle.result.holdoutAccuracy.toFixed(4)}, ` +
    `SST-2 dev accuracy ${(bundle.evaluationAccuracy ?? 0).toFixed(4)}`,
);
console.log(
  `wrote ${out} (model.onnx ${(modelBytes / 1e6).toFixed(2)} MB) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
