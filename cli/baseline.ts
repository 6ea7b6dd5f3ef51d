/**
 * `vigil baseline`: runs the model over a labelled or unlabelled dataset (.tsv or .jsonl) and stores
 * the predictions as the reference of later monitoring runs, plus the true labels when given.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { readServingConfig } from '../functions/config.ts';
import { buildPredictionRecords } from '../functions/lib/http/prediction-records.ts';
import { loadTextClassifier } from '../functions/lib/inference/index.ts';
import type { TextClassifier } from '../functions/lib/inference/types.ts';
import { type BaselineExample, parseBaselineInput } from '../functions/lib/monitor/baseline-input.ts';
import { baselineKey, baselineLabelsKey } from '../functions/lib/monitor/keys.ts';
import { encodeActuals, encodePredictions } from '../functions/lib/records/parquet.ts';
import type { PredictionRecord } from '../functions/lib/records/schema.ts';
import { PARQUET_CONTENT_TYPE, type RecordStore } from '../functions/lib/records/store.ts';
import { type CliCommand, defineCommand, errorLine, UsageError } from './commands.ts';

const USAGE = `usage: vigil baseline --input FILE [options]

  --input FILE        .tsv (header with sentence or text, optional label) or .jsonl ({"text", "label"?})
  --data-dir DIR      where the prediction log and baselines live (default .vigil)
  --model DIR         model bundle folder (default $VIGIL_MODEL_DIR or layers/model)
  --batch-size N      texts per model call (default 32)
  --no-store-text     keep text_sha256 and statistics but not the texts
  -h, --help          show this help

Numeric labels are class indices mapped through the model's id2label.`;

export interface BaselineOptions {
  input: string;
  dataDir: string;
  modelDir: string;
  batchSize: number;
  storeText: boolean;
}

export function parseBaselineArgs(argv: string[]): BaselineOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      input: { type: 'string' },
      'data-dir': { type: 'string', default: '.vigil' },
      model: { type: 'string' },
      'batch-size': { type: 'string', default: '32' },
      'no-store-text': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (!values.input) throw new UsageError('--input FILE is required');
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError('--batch-size must be a positive integer');
  const config = readServingConfig(undefined, 'layers/model');
  return {
    input: values.input,
    dataDir: values['data-dir'],
    modelDir: values.model ?? config.modelDir,
    batchSize,
    storeText: values['no-store-text'] ? false : config.storeText,
  };
}

/** "[#####.....] 120/872" on one rewritten line of a terminal, plain lines otherwise. */
function progress(write: (s: string) => void, tty: boolean) {
  let lastPct = -1;
  return (done: number, total: number) => {
    const pct = Math.floor((done / total) * 100);
    if (!tty && pct < lastPct + 10 && done !== total) return;
    lastPct = pct;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${pct}%)`;
    write(tty ? `\r${bar}${done === total ? '\n' : ''}` : `${bar}\n`);
  };
}

export interface BuildBaselineResult {
  records: number;
  labelled: number;
  keys: string[];
  labelShares: Record<string, number>;
  accuracy: number | null;
}

/** Predicts every example and writes reference.parquet (and reference-labels.parquet) to the store. */
export async function buildBaseline(
  store: RecordStore,
  classifier: TextClassifier,
  examples: readonly BaselineExample[],
  options: {
    batchSize: number;
    storeText: boolean;
    now: () => number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<BuildBaselineResult> {
  const { info } = classifier;
  const records: PredictionRecord[] = [];
  const hash = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');
  for (let i = 0; i < examples.length; i += options.batchSize) {
    const texts = examples.slice(i, i + options.batchSize).map((e) => e.text);
    const started = options.now();
    const predictions = await classifier.predict(texts);
    records.push(
      ...buildPredictionRecords(texts, predictions, {
        ids: texts.map(() => store.nextPartId()),
        timestampMs: started,
        model: { name: info.name, version: info.version },
        latencyMs: options.now() - started,
        requestId: 'baseline',
        storeText: options.storeText,
        hashText: hash,
      }),
    );
    options.onProgress?.(Math.min(i + options.batchSize, examples.length), examples.length);
  }
  const key = baselineKey(info.name, info.version);
  const labelsKey = baselineLabelsKey(info.name, info.version);
  const actuals = records.flatMap((r, i) =>
    examples[i].label === null
      ? []
      : [{ id: r.id, timestamp: r.timestamp, label: examples[i].label as string }],
  );
  await store.putObject(key, encodePredictions(records), PARQUET_CONTENT_TYPE);
  // A rebuilt unlabelled baseline must not keep the labels of an older one.
  if (actuals.length > 0) await store.putObject(labelsKey, encodeActuals(actuals), PARQUET_CONTENT_TYPE);
  else await store.delete(labelsKey);
  const labelShares: Record<string, number> = {};
  for (const r of records) labelShares[r.label] = (labelShares[r.label] ?? 0) + 1 / records.length;
  const correct = records.filter(
    (r, i) => examples[i].label !== null && examples[i].label === r.label,
  ).length;
  return {
    records: records.length,
    labelled: actuals.length,
    keys: actuals.length > 0 ? [key, labelsKey] : [key],
    labelShares,
    accuracy: actuals.length > 0 ? correct / actuals.length : null,
  };
}

export const baselineCommand: CliCommand = defineCommand({
  usage: USAGE,
  parse: (argv) => parseBaselineArgs(argv),
  async execute(options) {
    try {
      const classifier = await loadTextClassifier(options.modelDir);
      try {
        const content = await readFile(options.input, 'utf8');
        const examples = parseBaselineInput(basename(options.input), content, classifier.info.labels);
        const { createLocalStore } = await import('../functions/adapters/local-store.ts');
        const store = createLocalStore(options.dataDir);
        console.error(
          `vigil baseline: ${examples.length} texts through ${classifier.info.name} ${classifier.info.version}`,
        );
        const result = await buildBaseline(store, classifier, examples, {
          batchSize: options.batchSize,
          storeText: options.storeText,
          now: Date.now,
          onProgress: progress((s) => process.stderr.write(s), process.stderr.isTTY === true),
        });
        const shares = Object.entries(result.labelShares)
          .map(([l, s]) => `${l} ${(s * 100).toFixed(1)}%`)
          .join(', ');
        console.log(`baseline of ${result.records} records written to ${options.dataDir}/${result.keys[0]}`);
        console.log(`predicted labels: ${shares}`);
        if (result.accuracy !== null) {
          console.log(
            `${result.labelled} true labels stored; accuracy on them ${(result.accuracy * 100).toFixed(1)}%`,
          );
        }
        return 0;
      } finally {
        await classifier.close();
      }
    } catch (e) {
      console.error(errorLine(e));
      return 1;
    }
  },
});
