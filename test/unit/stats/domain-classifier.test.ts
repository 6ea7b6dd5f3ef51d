import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { domainClassifierTest } from '../../../functions/lib/stats/domain-classifier.ts';
import { aucMannWhitney, rocAuc } from '../../../functions/lib/stats/roc-auc.ts';

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is untyped
const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../../fixtures/stats/${name}`, import.meta.url), 'utf8'));

describe('rocAuc (sklearn.metrics.roc_auc_score)', () => {
  for (const c of fixture('roc_auc.json').cases) {
    it(`matches exactly on ${c.scores.length} tied scores`, () => {
      expect(Math.abs(rocAuc(c.scores, c.labels) - c.auc)).toBeLessThan(1e-12);
    });
  }
  it('gives a one-sided p-value that is small for separated scores and large for reversed ones', () => {
    const labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    const scores = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(aucMannWhitney(scores, labels).auc).toBe(1);
    expect(aucMannWhitney(scores, labels).pValue).toBeLessThan(0.01);
    expect(aucMannWhitney(scores.slice().reverse(), labels).pValue).toBeGreaterThan(0.99);
  });
});

describe('domainClassifierTest (vs sklearn LogisticRegression, cross-fitted)', () => {
  const cases = fixture('domain_classifier.json').cases;
  const byName = (name: string) => cases.find((c: { name: string }) => c.name === name);

  it('separable windows: AUC near sklearn and drift flagged', () => {
    const c = byName('separable');
    const r = domainClassifierTest(c.reference, c.current, { seed: 1 });
    expect(Math.abs(r.auc - c.auc)).toBeLessThan(0.03);
    expect(r.drifted).toBe(true);
    expect(r.pValue).toBeLessThan(1e-6);
  });

  it('null windows: AUC near 0.5 like sklearn, no drift', () => {
    const c = byName('null');
    const r = domainClassifierTest(c.reference, c.current, { seed: 1 });
    expect(Math.abs(r.auc - c.auc)).toBeLessThan(0.1);
    expect(Math.abs(r.auc - 0.5)).toBeLessThan(0.1);
    expect(r.drifted).toBe(false);
  });

  it('subtle shift: AUC within 0.05 of sklearn', () => {
    const c = byName('subtle');
    expect(Math.abs(domainClassifierTest(c.reference, c.current, { seed: 1 }).auc - c.auc)).toBeLessThan(
      0.05,
    );
  });

  it('is deterministic for a seed', () => {
    const c = byName('subtle');
    const a = domainClassifierTest(c.reference, c.current, { seed: 4 });
    const b = domainClassifierTest(c.reference, c.current, { seed: 4 });
    expect(b.auc).toBe(a.auc);
    expect(b.pValue).toBe(a.pValue);
  });
});
