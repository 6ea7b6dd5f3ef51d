import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dbscan, NOISE } from '../../../functions/lib/report/dbscan.ts';

// Labels from sklearn.cluster.DBSCAN, written by tools/fixtures/report_fixtures.py.
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/report/dbscan.json', import.meta.url), 'utf8'),
);
const xs: number[] = fixture.points.map((p: number[]) => p[0]);
const ys: number[] = fixture.points.map((p: number[]) => p[1]);

/** Same partition up to renaming of cluster ids, noise kept as noise. */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const forward = new Map<number, number>();
  const backward = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((a[i] === NOISE) !== (b[i] === NOISE)) return false;
    if (a[i] === NOISE) continue;
    if ((forward.get(a[i]) ?? b[i]) !== b[i] || (backward.get(b[i]) ?? a[i]) !== a[i]) return false;
    forward.set(a[i], b[i]);
    backward.set(b[i], a[i]);
  }
  return true;
}

describe('dbscan', () => {
  for (const c of fixture.cases) {
    it(`matches sklearn DBSCAN(eps=${c.eps}, min_samples=${c.min_samples})`, () => {
      const labels = dbscan(xs, ys, { eps: c.eps, minPts: c.min_samples });
      expect(samePartition(labels, c.labels)).toBe(true);
    });
  }

  it('labels every point noise when no neighbourhood is dense enough', () => {
    const labels = dbscan([0, 10, 20], [0, 0, 0], { eps: 1, minPts: 2 });
    expect([...labels]).toEqual([NOISE, NOISE, NOISE]);
  });

  it('picks up a border point reached after it was first marked noise', () => {
    // Point 0 is visited first and is not core; the core cluster at x = 1 reaches it later.
    const labels = dbscan([0, 1, 1.1, 1.2, 1.3], [0, 0, 0, 0, 0], { eps: 1, minPts: 4 });
    expect([...labels]).toEqual([0, 0, 0, 0, 0]);
  });
});
