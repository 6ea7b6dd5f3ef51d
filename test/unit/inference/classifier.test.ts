import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedTextClassifier, loadTextClassifier } from '../../../functions/lib/inference/index.ts';
import { THREE_LABEL_SPEC, TWO_LABEL_SPEC } from '../../fixtures/bundles/build-bundle.ts';
import { tempBundles } from './bundle-fixture.ts';

let bundles: Awaited<ReturnType<typeof tempBundles>>;
const classifiers: Record<string, LoadedTextClassifier> = {};

beforeAll(async () => {
  // 'hf-export' has no name, version or max_length in config.json: resolved from folder and tokenizer config.
  bundles = await tempBundles({ sentiment: TWO_LABEL_SPEC, 'hf-export': THREE_LABEL_SPEC });
  classifiers.two = await loadTextClassifier(bundles.dirs.sentiment);
  classifiers.three = await loadTextClassifier(bundles.dirs['hf-export']);
});

afterAll(async () => {
  for (const c of Object.values(classifiers)) await c.close();
  await bundles.cleanup();
});

const SHORT = 'a great film';
const LONGER = [
  'the acting was weak and the plot was a mess, i hated the ending',
  'one of the best movies i have seen, the music and the actors were wonderful',
];

describe.each([
  ['two', TWO_LABEL_SPEC],
  ['three', THREE_LABEL_SPEC],
] as const)('bundle %s', (key, spec) => {
  const c = () => classifiers[key];

  it('reports the model info of its config', () => {
    expect(c().info.labels).toEqual(spec.labels);
    expect(c().info.maxLength).toBe(spec.maxLength);
    expect(c().info.hiddenSize).toBe(spec.hiddenSize);
  });

  it('returns one prediction per text with shapes from the model', async () => {
    const out = await c().predict([SHORT, ...LONGER]);
    expect(out).toHaveLength(3);
    for (const p of out) {
      expect(p.probabilities).toHaveLength(spec.labels.length);
      expect(p.embedding).toBeInstanceOf(Float32Array);
      expect(p.embedding).toHaveLength(spec.hiddenSize);
      expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      for (const q of p.probabilities) expect(q).toBeGreaterThan(0);
      const best = p.probabilities.indexOf(Math.max(...p.probabilities));
      expect(p.label).toBe(spec.labels[best]);
      expect(p.score).toBe(p.probabilities[best]);
      expect(p.truncated).toBe(false);
    }
    // Different texts must not collapse onto one output.
    expect(out[0].embedding).not.toEqual(out[1].embedding);
  });

  it('gives a text the same label, score and embedding alone and inside a padded batch', async () => {
    const [alone] = await c().predict([SHORT]);
    const batch = await c().predict([...LONGER, SHORT, LONGER[0]]);
    const inBatch = batch[2];
    expect(inBatch.label).toBe(alone.label);
    expect(Math.abs(inBatch.score - alone.score)).toBeLessThanOrEqual(1e-5);
    for (let i = 0; i < alone.probabilities.length; i++) {
      expect(Math.abs(inBatch.probabilities[i] - alone.probabilities[i])).toBeLessThanOrEqual(1e-5);
    }
    for (let i = 0; i < alone.embedding.length; i++) {
      expect(Math.abs(inBatch.embedding[i] - alone.embedding[i])).toBeLessThanOrEqual(1e-5);
    }
    expect(inBatch.tokenCount).toBe(alone.tokenCount);
  });

  it('truncates a text longer than the model length and flags it', async () => {
    const long = LONGER[1].repeat(10);
    const [p] = await c().predict([long]);
    expect(p.truncated).toBe(true);
    expect(p.tokenCount).toBeGreaterThan(spec.maxLength);
    expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    // Whatever follows the first maxLength-1 tokens cannot change the result.
    const [q] = await c().predict([`${long} awful terrible worst`]);
    expect(q.embedding).toEqual(p.embedding);
  });

  it('accepts the empty string: [CLS] [SEP] only', async () => {
    const [p] = await c().predict(['']);
    expect(p.tokenCount).toBe(2);
    expect(p.unknownTokenRatio).toBe(0);
    expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(Number.isFinite(p.embedding[0])).toBe(true);
  });

  it('reports the share of unknown tokens', async () => {
    // 'film' is in the vocabulary; the snowman and the CJK characters are not.
    const [p] = await c().predict(['film ☃ 日本']);
    expect(p.unknownTokenRatio).toBeCloseTo(3 / 4, 12);
  });

  it('returns nothing for no texts', async () => {
    expect(await c().predict([])).toEqual([]);
  });
});

describe('model contract', () => {
  it('feeds token_type_ids exactly when the graph declares them', () => {
    expect(classifiers.two.usesTokenTypeIds).toBe(false);
    expect(classifiers.three.usesTokenTypeIds).toBe(true);
  });

  it('names a bundle without a name after its folder and gives it version 1', () => {
    expect(classifiers.three.info.name).toBe('hf-export');
    expect(classifiers.three.info.version).toBe('1');
    expect(classifiers.two.info.name).toBe(TWO_LABEL_SPEC.name);
    expect(classifiers.two.info.version).toBe(TWO_LABEL_SPEC.version);
  });
});
