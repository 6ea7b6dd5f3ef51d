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
       vigil baseline --model-name NAME --model-version V --input FILE.jsonl|FILE.parquet
       vigil baseline --model-name NAME --model-version V --reference-start ISO --reference-end ISO

  --input FILE        .tsv (header with sentence or text, optional label) or .jsonl ({"text", "label"?})
                      run through the bundled model; with --model-name, records that already carry
                      their embeddings, in the POST /log record shape (+ "actual": the true label)
  --model-name NAME   a declared model version (vigil model create) served elsewhere
  --model-version V
  --reference-start ISO  with --model-name: copy the logged records of [start, end) as the baseline
  --reference-end ISO
  --data-dir DIR      where the prediction log and baselines live (default .vigil)
  --model DIR         model bundle folder (default $VIGIL_MODEL_DIR or layers/model)
  --batch-size N      texts per model call (default 32)
  --no-store-text     keep text_sha256 and statistics but not the texts
  -h, --help          show this help

Numeric labels are class indices mapped through the model's id2label.`;

export interface BaselineOptions {
  /** Unset with a reference window. */
  input: string;
  /** A declared model version whose records carry their embeddings (no model is run). */
  declared?: { name: string; version: string };
  window?: { start: Date; end: Date };
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
      'model-name': { type: 'string' },
      'model-version': { type: 'string' },
      'reference-start': { type: 'string' },
      'reference-end': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (Boolean(values['model-name']) !== Boolean(values['model-version']))
    throw new UsageError('--model-name and --model-version go together');
  if (Boolean(values['reference-start']) !== Boolean(values['reference-end']))
    throw new UsageError('--reference-start and --reference-end go together');
  const declared = values['model-name']
    ? { name: values['model-name'], version: values['model-version'] as string }
    : undefined;
  let window: BaselineOptions['window'];
  if (values['reference-start']) {
    if (!declared) throw new UsageError('--reference-start needs --model-name and --model-version');
    if (values.input) throw new UsageError('give either --input or a reference window, not both');
    const start = new Date(values['reference-start']);
    const end = new Date(values['reference-end'] as string);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || !(end > start))
      throw new UsageError('--reference-start and --reference-end must be ISO-8601 times, start before end');
    window = { start, end };
  } else if (!values.input) throw new UsageError('--input FILE is required');
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError('--batch-size must be a positive integer');
  const config = readServingConfig(undefined, 'layers/model');
  return {
    input: values.input ?? '',
    declared,
    window,
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
    if (options.declared) return declaredBaseline(options, options.declared);
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

/** A baseline for a model served elsewhere: a file with embeddings, or a past window of the log. */
async function declaredBaseline(
  options: BaselineOptions,
  ref: { name: string; version: string },
): Promise<number> {
  try {
    const { createLocalStore } = await import('../functions/adapters/local-store.ts');
    const { readModelVersion } = await import('../functions/lib/models/registry.ts');
    const store = createLocalStore(options.dataDir);
    const model = await readModelVersion(store, ref.name, ref.version);
    if (!model) {
      console.error(
        `error MODEL_NOT_FOUND: no model version ${ref.name}@${ref.version} in ${options.dataDir}; declare it with \`vigil model create\``,
      );
      return 1;
    }
    let records: PredictionRecord[];
    let actuals: { id: string; timestamp: Date; label: string }[] = [];
    if (options.window) {
      const { readPredictions } = await import('../functions/lib/records/read.ts');
      records = await readPredictions(store, {
        model: ref.name,
        version: ref.version,
        from: options.window.start,
        to: options.window.end,
      });
    } else {
      const { buildEmbeddedBaseline, parseJsonLines } = await import(
        '../functions/lib/models/baseline-records.ts'
      );
      let rows: Record<string, unknown>[];
      if (options.input.endsWith('.parquet')) {
        const { parquetReadObjects } = await import('hyparquet');
        const bytes = await readFile(options.input);
        rows = (await parquetReadObjects({
          file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        })) as Record<string, unknown>[];
      } else rows = parseJsonLines(await readFile(options.input, 'utf8'));
      const hash = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');
      ({ records, actuals } = buildEmbeddedBaseline(rows, model, {
        nowMs: Date.now(),
        newId: () => store.nextPartId(),
        hashText: hash,
        storeText: options.storeText,
      }));
    }
    if (records.length === 0) {
      console.error('error BASELINE_INPUT_INVALID: no records to build a baseline from');
      return 1;
    }
    const key = baselineKey(ref.name, ref.version);
    const labelsKey = baselineLabelsKey(ref.name, ref.version);
    await store.putObject(key, encodePredictions(records), PARQUET_CONTENT_TYPE);
    if (actuals.length > 0) await store.putObject(labelsKey, encodeActuals(actuals), PARQUET_CONTENT_TYPE);
    else await store.delete(labelsKey);
    console.log(`baseline of ${records.length} records written to ${options.dataDir}/${key}`);
    if (actuals.length > 0) console.log(`${actuals.length} true labels stored`);
    return 0;
  } catch (e) {
    console.error(errorLine(e));
    return 1;
  }
}
