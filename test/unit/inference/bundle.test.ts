import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readModelBundle, resolveMaxLength } from '../../../functions/lib/inference/bundle.ts';
import { loadTextClassifier } from '../../../functions/lib/inference/index.ts';
import { TWO_LABEL_SPEC } from '../../fixtures/bundles/build-bundle.ts';
import { tempBundles } from './bundle-fixture.ts';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function bundle(spec = TWO_LABEL_SPEC) {
  const b = await tempBundles({ model: spec });
  cleanups.push(b.cleanup);
  return b.dirs.model;
}

async function editConfig(dir: string, edit: (c: Record<string, unknown>) => void) {
  const path = join(dir, 'config.json');
  const config = JSON.parse(await readFile(path, 'utf8'));
  edit(config);
  await writeFile(path, JSON.stringify(config));
}

describe('resolveMaxLength', () => {
  it('prefers config max_length, then model_max_length, then max_position_embeddings, capped at 512', () => {
    expect(
      resolveMaxLength({ max_length: 64, max_position_embeddings: 512 }, { model_max_length: 128 }),
    ).toBe(64);
    expect(resolveMaxLength({ max_position_embeddings: 512 }, { model_max_length: 128 })).toBe(128);
    expect(resolveMaxLength({ max_position_embeddings: 256 }, {})).toBe(256);
    // HF writes a huge model_max_length when it does not know one.
    expect(resolveMaxLength({ max_position_embeddings: 1024 }, { model_max_length: 1e30 })).toBe(512);
    expect(resolveMaxLength({}, {})).toBe(512);
  });
});

describe('readModelBundle', () => {
  it('reads a DistilBERT-style export without tokenizer_config.json, name or max_length', async () => {
    const dir = await bundle({
      ...TWO_LABEL_SPEC,
      name: undefined,
      version: undefined,
      tokenizerConfig: false,
      maxLengthInConfig: false,
    });
    await editConfig(dir, (c) => {
      c._name_or_path = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
      c.dim = 32;
      delete c.hidden_size;
    });
    const { info } = await readModelBundle(dir);
    expect(info).toEqual({
      name: 'distilbert-base-uncased-finetuned-sst-2-english',
      version: '1',
      labels: ['NEGATIVE', 'POSITIVE'],
      maxLength: 512,
      hiddenSize: 32,
    });
    const classifier = await loadTextClassifier(dir);
    expect((await classifier.predict(['a good film']))[0].probabilities).toHaveLength(2);
    await classifier.close();
  });

  it('orders labels by id2label key, not by key order in the file', async () => {
    const dir = await bundle();
    await editConfig(dir, (c) => {
      c.id2label = { 1: 'POSITIVE', 0: 'NEGATIVE' };
    });
    expect((await readModelBundle(dir)).info.labels).toEqual(['NEGATIVE', 'POSITIVE']);
  });

  it('answers MODEL_BUNDLE_NOT_FOUND for a folder without config.json', async () => {
    await expect(readModelBundle('/nonexistent/vigil-model')).rejects.toMatchObject({
      code: 'MODEL_BUNDLE_NOT_FOUND',
      message: expect.stringMatching(/config\.json/),
    });
  });

  it.each([
    ['no id2label', (c: Record<string, unknown>) => delete c.id2label, /id2label/],
    ['a gap in id2label', (c: Record<string, unknown>) => (c.id2label = { 0: 'A', 2: 'B' }), /id2label/],
    ['one label only', (c: Record<string, unknown>) => (c.id2label = { 0: 'A' }), /at least 2/],
    ['duplicate labels', (c: Record<string, unknown>) => (c.id2label = { 0: 'A', 1: 'A' }), /duplicate/],
    ['a name that cannot be a partition', (c: Record<string, unknown>) => (c.name = 'my model/v1'), /name/],
  ])('answers MODEL_BUNDLE_INVALID for %s', async (_name, edit, message) => {
    const dir = await bundle();
    await editConfig(dir, edit);
    await expect(readModelBundle(dir)).rejects.toMatchObject({
      code: 'MODEL_BUNDLE_INVALID',
      message: expect.stringMatching(message),
    });
  });

  it('answers MODEL_BUNDLE_INVALID for broken JSON, a missing model.onnx and a label count that does not match', async () => {
    const broken = await bundle();
    await writeFile(join(broken, 'tokenizer.json'), '{');
    await expect(readModelBundle(broken)).rejects.toMatchObject({ code: 'MODEL_BUNDLE_INVALID' });

    const noModel = await bundle();
    await rm(join(noModel, 'model.onnx'));
    await expect(loadTextClassifier(noModel)).rejects.toMatchObject({
      code: 'MODEL_BUNDLE_INVALID',
      message: expect.stringMatching(/model\.onnx/),
    });

    const threeLabels = await bundle();
    await editConfig(threeLabels, (c) => (c.id2label = { 0: 'A', 1: 'B', 2: 'C' }));
    await expect(loadTextClassifier(threeLabels)).rejects.toMatchObject({
      code: 'MODEL_BUNDLE_INVALID',
      message: expect.stringMatching(/2 logits.*3 labels/),
    });
  });

  it('answers MODEL_BUNDLE_INVALID for an ONNX file that is not a model', async () => {
    const dir = await bundle();
    await writeFile(join(dir, 'model.onnx'), 'not onnx');
    await expect(loadTextClassifier(dir)).rejects.toMatchObject({ code: 'MODEL_BUNDLE_INVALID' });
  });
});
