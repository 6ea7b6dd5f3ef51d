/** Accuracy of the committed default model bundle on SST-2 dev (872 sentences), against a floor. */
import { fileURLToPath } from 'node:url';
import { loadTextClassifier } from '../../functions/lib/inference/index.ts';
import { readSst2 } from '../train/sst2.ts';
import type { Evaluation } from './types.ts';

export const DEFAULT_BUNDLE_DIR = fileURLToPath(new URL('../../layers/model', import.meta.url));
const SST2_LABELS = ['NEGATIVE', 'POSITIVE'];

export interface ModelAccuracyOptions {
  bundleDir?: string;
  /** Lowest acceptable accuracy. @default 0.8 */
  minAccuracy?: number;
  batchSize?: number;
}

export function createModelAccuracyEvaluation(options: ModelAccuracyOptions = {}): Evaluation {
  const bundleDir = options.bundleDir ?? DEFAULT_BUNDLE_DIR;
  const minAccuracy = options.minAccuracy ?? 0.8;
  const batchSize = options.batchSize ?? 64;
  return {
    name: 'model-accuracy',
    async run({ datasetsDir }) {
      const dev = readSst2(datasetsDir, 'dev');
      const classifier = await loadTextClassifier(bundleDir);
      let correct = 0;
      const confusion = [
        [0, 0],
        [0, 0],
      ];
      try {
        for (let start = 0; start < dev.length; start += batchSize) {
          const rows = dev.slice(start, start + batchSize);
          const predictions = await classifier.predict(rows.map((r) => r.text));
          predictions.forEach((p, i) => {
            const predicted = SST2_LABELS.indexOf(p.label);
            if (predicted < 0)
              throw new Error(`EVAL_LABEL_UNKNOWN: model label ${p.label} is not an SST-2 label`);
            confusion[rows[i].label][predicted]++;
            if (predicted === rows[i].label) correct++;
          });
        }
      } finally {
        await classifier.close();
      }
      const accuracy = correct / dev.length;
      const { name, version } = classifier.info;
      return {
        passed: accuracy >= minAccuracy,
        lines: [
          `${name} ${version} on SST-2 dev: accuracy ${accuracy.toFixed(4)} (${correct}/${dev.length}), floor ${minAccuracy}`,
          `confusion [true][predicted] NEGATIVE: ${confusion[0].join(' / ')}, POSITIVE: ${confusion[1].join(' / ')}`,
        ],
      };
    },
  };
}
