import { describe, expect, it } from 'vitest';
import {
  covarianceTrace,
  embeddingCentroidChecks,
} from '../../../functions/lib/checks/embedding-centroid.ts';
import { domainClassifierCheck } from '../../../functions/lib/checks/embedding-domain-classifier.ts';
import {
  embeddingMmdCheck,
  medianPairDistance,
  standardizePooled,
} from '../../../functions/lib/checks/embedding-mmd.ts';
import { judge } from '../../../functions/lib/checks/finding.ts';
import { makeWindow } from '../monitor/make-windows.ts';
import { ctxOf } from './ctx.ts';

const ref = makeWindow({ n: 200, seed: 1, idPrefix: 'ref' });
const same = makeWindow({ n: 200, seed: 2, idPrefix: 'cur' });
const shifted = makeWindow({ n: 200, seed: 3, shift: 1, shiftDims: 4, idPrefix: 'cur' });

describe('embedding drift (MMD)', () => {
  it('finds a shift of one standard deviation in 4 of 16 dimensions with the smallest p it can show', () => {
    const d = embeddingMmdCheck(ctxOf(ref, shifted));
    expect(d.pValue).toBeCloseTo(1 / 201, 10);
    expect(judge(d, d.pValue)).toBe('alert');
    expect(d.details).toMatchObject({ testedReference: 200, testedCurrent: 200, permutations: 200 });
  });

  it('gives roughly uniform p-values on pairs of draws from one distribution', () => {
    const ps = Array.from({ length: 20 }, (_, i) => {
      const a = makeWindow({ n: 100, seed: 100 + i, idPrefix: 'a' });
      const b = makeWindow({ n: 100, seed: 200 + i, idPrefix: 'b' });
      return embeddingMmdCheck(ctxOf(a, b)).pValue as number;
    });
    const mean = ps.reduce((s, p) => s + p, 0) / ps.length;
    // Uniform p: mean 0.5 with sd 0.065 over 20 draws; P(p < 0.01) is 1% each.
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(0.7);
    expect(ps.filter((p) => p < 0.01).length).toBeLessThanOrEqual(1);
  });

  it('tests at most maxPerSide rows per side', () => {
    const c = ctxOf(ref, shifted);
    const d = embeddingMmdCheck({
      ...c,
      config: { ...c.config, embedding: { ...c.config.embedding, maxPerSide: 50 } },
    });
    expect(d.details).toMatchObject({ testedReference: 50, testedCurrent: 50, subsampled: true });
    expect(d.referenceSize).toBe(200);
  });

  it('says insufficient_data below the minimum sample size', () => {
    const d = embeddingMmdCheck(ctxOf(ref, makeWindow({ n: 29, seed: 4 })));
    expect(d.insufficient).toBe(true);
    expect(d.pValue).toBeNull();
  });
});

describe('embedding drift (domain classifier)', () => {
  it('tells shifted windows apart (AUC well above 0.5) but never alerts', () => {
    const d = domainClassifierCheck(ctxOf(ref, shifted));
    expect(d.value).toBeGreaterThan(0.75);
    expect(d.pValue).toBeLessThan(1e-6);
    expect(judge(d, d.pValue)).toBe('warning');
  });
});

describe('embedding centroids', () => {
  it('computes the trace of the covariance from streaming sums (unbiased, n - 1)', () => {
    // Unit-variance Gaussians in 16 dimensions: the trace is about 16.
    expect(covarianceTrace(makeWindow({ n: 2000, seed: 9 }))).toBeGreaterThan(15);
    expect(covarianceTrace(makeWindow({ n: 2000, seed: 9 }))).toBeLessThan(17);
  });

  it('reports the euclidean distance and warns when it is well past its no-drift size', () => {
    const [euclid, cosine] = embeddingCentroidChecks(ctxOf(ref, shifted));
    // True distance: sqrt(4 * 1^2) = 2; no-drift size sqrt(16 * 2 / 200) = 0.4.
    expect(euclid.value).toBeGreaterThan(1.7);
    expect(euclid.value).toBeLessThan(2.3);
    expect(judge(euclid, null)).toBe('warning');
    expect(cosine.value).toBeGreaterThan(0);
    const [quiet] = embeddingCentroidChecks(ctxOf(ref, same));
    expect(judge(quiet, null)).toBe('ok');
  });
});

describe('MMD preprocessing', () => {
  it('z-scores every dimension over both windows pooled and zeroes constant ones', () => {
    const a = [Float32Array.from([1, 5, 2]), Float32Array.from([3, 5, 4])];
    const b = [Float32Array.from([5, 5, 6]), Float32Array.from([7, 5, 8])];
    const [za, zb] = standardizePooled(a, b);
    const all = [...za, ...zb];
    for (const k of [0, 2]) {
      const mean = all.reduce((s, r) => s + r[k], 0) / 4;
      const variance = all.reduce((s, r) => s + (r[k] - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 6);
      expect(variance).toBeCloseTo(1, 5);
    }
    expect(all.every((r) => r[1] === 0)).toBe(true);
  });

  it('estimates the median pairwise distance from sampled pairs', () => {
    const rows = Array.from({ length: 60 }, (_, i) => Float32Array.from([i, (i * 7) % 13]));
    const exact: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < rows.length; j++)
        exact.push(Math.hypot(rows[i][0] - rows[j][0], rows[i][1] - rows[j][1]));
    }
    exact.sort((x, y) => x - y);
    const median = exact[exact.length >> 1];
    expect(Math.abs(medianPairDistance(rows, 4000, 1) - median) / median).toBeLessThan(0.05);
  });
});
