import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createModelAccuracyEvaluation } from '../../../tools/eval/model-accuracy.ts';
import { runEvaluations } from '../../../tools/eval/runner.ts';
import type { Evaluation } from '../../../tools/eval/types.ts';
import { DEFAULT_MODEL_OPTIONS, trainBundle, writeBundle } from '../../../tools/train/bundle.ts';
import type { LabelledText } from '../../../tools/train/sst2.ts';

// Sentences written for this test; the adjective decides the label.
const positive = ['great', 'lovely', 'brilliant', 'delightful'];
const negative = ['dull', 'awful', 'tedious', 'clumsy'];
const openers = ['the film is', 'this movie feels', 'the plot was', 'its acting is', 'the ending seems'];
const rows: LabelledText[] = openers.flatMap((o) => [
  ...positive.map((a) => ({ text: `${o} ${a}`, label: 1 })),
  ...negative.map((a) => ({ text: `${o} ${a}`, label: 0 })),
]);

const root = mkdtempSync(join(tmpdir(), 'vigil-eval-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writeDatasets(dev: LabelledText[]): string {
  const dir = mkdtempSync(join(root, 'data-'));
  mkdirSync(join(dir, 'sst2'));
  writeFileSync(
    join(dir, 'sst2', 'dev.tsv'),
    `sentence\tlabel\n${dev.map((r) => `${r.text} \t${r.label}\n`).join('')}`,
  );
  return dir;
}

describe('model-accuracy evaluation', () => {
  const bundleDir = join(root, 'bundle');
  const bundle = trainBundle(
    rows,
    {
      ...DEFAULT_MODEL_OPTIONS,
      vocabSize: 90,
      embedDim: 8,
      hiddenSize: 8,
      maxEpochs: 12,
      batchSize: 4,
      learningRate: 0.02,
      dropout: 0,
      holdoutFraction: 0.1,
      holdoutMinWords: 3,
      checksPerEpoch: 1,
      patience: 12,
    },
    { now: new Date(0) },
  );
  writeBundle(bundleDir, bundle.files);

  it('passes when the bundle predicts the dev labels and fails when the labels are flipped', async () => {
    const evaluation = createModelAccuracyEvaluation({ bundleDir, minAccuracy: 0.8, batchSize: 7 });
    const good = await evaluation.run({ datasetsDir: writeDatasets(rows) });
    expect(good.passed).toBe(true);
    expect(good.lines[0]).toMatch(/accuracy (0\.9\d+|1\.0000) \(\d+\/40\)/);

    const flipped = await evaluation.run({
      datasetsDir: writeDatasets(rows.map((r) => ({ ...r, label: 1 - r.label }))),
    });
    expect(flipped.passed).toBe(false);
    expect(flipped.lines[0]).toMatch(/accuracy 0\.0\d+/);
  });

  it('reports a missing dataset with a stable code instead of passing', async () => {
    const evaluation = createModelAccuracyEvaluation({ bundleDir });
    await expect(evaluation.run({ datasetsDir: join(root, 'nowhere') })).rejects.toThrow(/DATASET_NOT_FOUND/);
  });
});

describe('runEvaluations', () => {
  it('runs every evaluation, prints each result and fails when any fails or throws', async () => {
    const ok: Evaluation = { name: 'ok', run: async () => ({ passed: true, lines: ['fine'] }) };
    const bad: Evaluation = { name: 'bad', run: async () => ({ passed: false, lines: ['too low'] }) };
    const broken: Evaluation = {
      name: 'broken',
      run: async () => {
        throw new Error('boom');
      },
    };
    const printed: string[] = [];
    const summary = await runEvaluations([ok, broken, bad], { datasetsDir: root }, (l) => printed.push(l));
    expect(summary).toEqual({ passed: false, failed: ['broken', 'bad'] });
    expect(
      printed.filter((l) => /^(PASS|FAIL)/.test(l)).map((l) => l.split(' ').slice(0, 2).join(' ')),
    ).toEqual(['PASS ok', 'FAIL broken:', 'FAIL bad']);
    expect(printed).toContain('  too low');
    expect((await runEvaluations([ok], { datasetsDir: root }, () => {})).passed).toBe(true);
  });
});
