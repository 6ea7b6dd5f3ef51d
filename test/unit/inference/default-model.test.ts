import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedTextClassifier, loadTextClassifier } from '../../../functions/lib/inference/index.ts';

// The bundled default model (layers/model), trained on SST-2 by tools/; these reviews were written for this test.
const POSITIVE = [
  'a wonderful, moving film with brilliant performances and a beautiful score',
  'i loved every minute of it; the best movie i have seen this year',
  'funny, charming and smart: an absolute delight from start to finish',
];
const NEGATIVE = [
  'a dull, boring mess with terrible acting and a plot that makes no sense',
  'the worst film i have sat through in years, a complete waste of time',
  'lifeless, tedious and badly written; i hated it',
];

let classifier: LoadedTextClassifier;
beforeAll(async () => {
  classifier = await loadTextClassifier('layers/model');
});
afterAll(async () => {
  await classifier.close();
});

describe('default bundle (layers/model)', () => {
  it('declares two sentiment labels and a max length', () => {
    expect(classifier.info.labels).toHaveLength(2);
    expect(classifier.info.maxLength).toBeGreaterThan(16);
    expect(classifier.info.hiddenSize).toBeGreaterThan(0);
  });

  it('labels clearly positive and clearly negative reviews correctly', async () => {
    const [pos, neg] = classifier.info.labels.includes('POSITIVE')
      ? ['POSITIVE', 'NEGATIVE']
      : ['positive', 'negative'];
    const out = await classifier.predict([...POSITIVE, ...NEGATIVE]);
    expect(out.map((p) => p.label)).toEqual([...POSITIVE.map(() => pos), ...NEGATIVE.map(() => neg)]);
  });

  it('is padding-invariant on the real model', async () => {
    const [alone] = await classifier.predict([POSITIVE[2]]);
    const batch = await classifier.predict([NEGATIVE[0], POSITIVE[2], `${NEGATIVE[1]} ${NEGATIVE[2]}`]);
    expect(batch[1].label).toBe(alone.label);
    expect(Math.abs(batch[1].score - alone.score)).toBeLessThanOrEqual(1e-5);
    let maxDiff = 0;
    for (let i = 0; i < alone.embedding.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(batch[1].embedding[i] - alone.embedding[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
  });

  it('truncates and flags a review longer than the model length', async () => {
    const [p] = await classifier.predict([POSITIVE[0].repeat(60)]);
    expect(p.truncated).toBe(true);
    expect(p.tokenCount).toBeGreaterThan(classifier.info.maxLength);
  });
});
