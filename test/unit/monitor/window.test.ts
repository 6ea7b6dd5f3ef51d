import { describe, expect, it } from 'vitest';
import { subsampleRows, WindowAccumulator, windowFromRows } from '../../../functions/lib/monitor/window.ts';
import { makeRows } from './make-windows.ts';

describe('WindowAccumulator', () => {
  it('keeps every scalar column, sums every embedding and samples at most its capacity', () => {
    // Prepare
    const rows = makeRows({ n: 250, dim: 4, seed: 1 });
    // Act
    const w = windowFromRows(rows, 100, 5);
    // Assess
    expect(w.size).toBe(250);
    expect([...w.label]).toEqual(rows.map((r) => r.label));
    expect(Array.from(w.score)).toEqual(rows.map((r) => r.score));
    expect(w.sample.rows).toBe(100);
    for (let k = 0; k < 4; k++) {
      const sum = rows.reduce((s, r) => s + r.embedding[k], 0);
      expect(w.embeddingSum[k]).toBeCloseTo(sum, 6);
    }
    const sq = rows.reduce((s, r) => s + Array.from(r.embedding).reduce((a, v) => a + v * v, 0), 0);
    expect(w.embeddingSquaredNormSum).toBeCloseTo(sq, 4);
  });

  it('stores each sampled vector next to the window row it came from', () => {
    const rows = makeRows({ n: 300, dim: 3, seed: 2 });
    const w = windowFromRows(rows, 50, 9);
    for (let s = 0; s < w.sample.rows; s++) {
      const row = rows[w.sample.index[s]];
      expect(Array.from(w.sample.vectors.subarray(s * 3, s * 3 + 3))).toEqual(Array.from(row.embedding));
      expect(w.sampleText.get(w.sample.index[s])).toBe(row.text);
    }
    expect(w.sampleText.size).toBe(50);
  });

  it('draws a uniform sample: late rows are as likely to be kept as early ones', () => {
    const rows = makeRows({ n: 2000, dim: 1, seed: 3 });
    let late = 0;
    for (let seed = 0; seed < 20; seed++) {
      const w = windowFromRows(rows, 100, seed);
      late += Array.from(w.sample.index).filter((i) => i >= 1000).length;
    }
    // 2000 draws with p = 0.5: a share outside 0.45-0.55 would be a 4.5-sigma event.
    expect(late / 2000).toBeGreaterThan(0.45);
    expect(late / 2000).toBeLessThan(0.55);
  });

  it('keeps the first copy of an id seen twice (overlapping part files)', () => {
    const rows = makeRows({ n: 5, dim: 2, seed: 4 });
    const acc = new WindowAccumulator(10, 1);
    for (const r of [...rows, rows[2]]) acc.add(r);
    expect(acc.build().size).toBe(5);
  });

  it('rejects (counts, does not throw on) an embedding of another width', () => {
    // Regression (issue 15, defect 2): one short embedding used to throw EMBEDDING_DIMENSION_MISMATCH
    // and end the whole run.
    const acc = new WindowAccumulator(10, 1);
    acc.add(makeRows({ n: 1, dim: 3, seed: 5 })[0]);
    const other = { ...makeRows({ n: 1, dim: 4, seed: 6, idPrefix: 'x' })[0] };
    expect(acc.add(other)).toBe(false);
    const w = acc.build();
    expect(w.size).toBe(1);
    expect(w.rejectedRows).toBe(1);
  });

  it('takes the expected width before the first row, so a stray first row is the one rejected', () => {
    const acc = new WindowAccumulator(10, 1);
    acc.expectDimension(3);
    expect(acc.add(makeRows({ n: 1, dim: 4, seed: 6, idPrefix: 'x' })[0])).toBe(false);
    expect(acc.add(makeRows({ n: 1, dim: 3, seed: 5 })[0])).toBe(true);
    expect(acc.build()).toMatchObject({ size: 1, dim: 3, rejectedRows: 1 });
  });

  it('subsamples a sample to k distinct rows, or returns all of it when k is larger', () => {
    const w = windowFromRows(makeRows({ n: 40, dim: 2, seed: 7 }), 40, 1);
    expect(subsampleRows(w.sample, 2, 100, 1).length).toBe(80);
    const sub = subsampleRows(w.sample, 2, 10, 1);
    expect(sub.length).toBe(20);
    const firsts = new Set<number>();
    for (let i = 0; i < 10; i++) firsts.add(sub[i * 2]);
    expect(firsts.size).toBe(10);
  });
});
