import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dbscan, NOISE } from '../../../functions/lib/report/dbscan.ts';
import { hdbscan } from '../../../functions/lib/report/hdbscan.ts';
import { createSeededRandom, gaussian } from '../../../functions/lib/report/random.ts';

// Three blobs of different density, a sparse bridge and six outliers (see tools/fixtures/report_fixtures.py).
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/report/dbscan.json', import.meta.url), 'utf8'),
);
const xs: number[] = fixture.points.map((p: number[]) => p[0]);
const ys: number[] = fixture.points.map((p: number[]) => p[1]);
const BLOBS = [0, 60, 120].map((start) => Array.from({ length: 60 }, (_, i) => start + i));
const OUTLIERS = Array.from({ length: 6 }, (_, i) => 188 + i);

describe('hdbscan', () => {
  it('finds blobs of different density without a radius and leaves outliers as noise', () => {
    const labels = hdbscan(xs, ys, { minPts: 5, minClusterSize: 10 });
    const blobLabels = BLOBS.map((blob) => new Set(blob.map((i) => labels[i])));
    for (const set of blobLabels) expect(set.size).toBe(1);
    expect(new Set(blobLabels.map((s) => [...s][0])).size).toBe(3);
    expect(blobLabels.every((s) => ![...s].includes(NOISE))).toBe(true);
    for (const i of OUTLIERS) expect(labels[i]).toBe(NOISE);
  });

  it('numbers clusters largest first', () => {
    const a = Array.from({ length: 40 }, (_, i) => [Math.cos(i), Math.sin(i)].map((v) => v * 0.3));
    const b = Array.from({ length: 80 }, (_, i) => [10 + Math.cos(i) * 0.3, Math.sin(i) * 0.3]);
    const pts = [...a, ...b];
    const labels = hdbscan(
      pts.map((p) => p[0]),
      pts.map((p) => p[1]),
      { minPts: 5, minClusterSize: 10 },
    );
    expect(labels[0]).toBe(1);
    expect(labels[40]).toBe(0);
  });

  it('finds a dense region inside a broad cloud, which DBSCAN at one radius cannot', () => {
    const random = createSeededRandom(4);
    const pts: number[][] = [];
    for (let i = 0; i < 400; i++) pts.push([3 * gaussian(random), 3 * gaussian(random)]);
    for (let i = 0; i < 100; i++) pts.push([2 + 0.15 * gaussian(random), 2 + 0.15 * gaussian(random)]);
    const px = pts.map((p) => p[0]);
    const py = pts.map((p) => p[1]);
    const labels = hdbscan(px, py, { minPts: 10, minClusterSize: 20 });
    const core = labels.slice(400);
    const coreLabel = core[0];
    expect(coreLabel).not.toBe(NOISE);
    expect(core.filter((l) => l === coreLabel).length).toBeGreaterThan(90);
    // Few points of the broad cloud share the dense region's cluster.
    expect(labels.slice(0, 400).filter((l) => l === coreLabel).length).toBeLessThan(30);
    // DBSCAN with a radius wide enough for the cloud swallows the dense region into it.
    const wide = dbscan(px, py, { eps: 1, minPts: 10 });
    expect(wide[400]).toBe(wide[0]);
  });

  it('splits a cluster larger than maxClusterSize into its sub-clusters', () => {
    const random = createSeededRandom(2);
    const pts: number[][] = [];
    for (const cx of [0, 1.2, 20])
      for (let i = 0; i < 60; i++) pts.push([cx + 0.3 * gaussian(random), 0.3 * gaussian(random)]);
    const px = pts.map((p) => p[0]);
    const py = pts.map((p) => p[1]);
    const majority = (labels: Int32Array, start: number) => {
      const counts = new Map<number, number>();
      for (let i = start; i < start + 60; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
      return [...counts].filter(([l]) => l !== NOISE).sort((a, b) => b[1] - a[1])[0];
    };
    // Two touching blobs form one cluster by excess of mass...
    const merged = hdbscan(px, py, { minPts: 5, minClusterSize: 15 });
    expect(majority(merged, 0)).toEqual(majority(merged, 60));
    // ...and two when 120 points is above the limit.
    const split = hdbscan(px, py, { minPts: 5, minClusterSize: 15, maxClusterSize: 100 });
    const [a, b] = [majority(split, 0), majority(split, 60)];
    expect(a[0]).not.toBe(b[0]);
    expect(a[1]).toBeGreaterThan(40);
    expect(b[1]).toBeGreaterThan(40);
    expect(majority(split, 120)).toEqual([split[120], 60]);
  });

  it('handles exact duplicates (zero distances) without NaN', () => {
    const px = [...new Array(30).fill(0), ...new Array(30).fill(5)];
    const py = new Array(60).fill(1);
    const labels = hdbscan(px, py, { minPts: 5, minClusterSize: 10 });
    expect(new Set(labels.slice(0, 30)).size).toBe(1);
    expect(new Set(labels.slice(30)).size).toBe(1);
    expect(labels[0]).not.toBe(labels[30]);
    expect([...labels].every((l) => l >= 0)).toBe(true);
  });

  it('labels everything noise when there are fewer points than a cluster needs', () => {
    expect([...hdbscan([0, 1, 2], [0, 0, 0], { minPts: 2, minClusterSize: 5 })]).toEqual([
      NOISE,
      NOISE,
      NOISE,
    ]);
  });
});
