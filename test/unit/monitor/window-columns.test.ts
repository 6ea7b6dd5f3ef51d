import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WindowAccumulator } from '../../../functions/lib/monitor/window.ts';
import {
  CodedStrings,
  DistinctStrings,
  GrowableF64,
  GrowableU8,
  HexDigests,
  hashString,
} from '../../../functions/lib/monitor/window-columns.ts';
import { createRng } from '../../../functions/lib/stats/rng.ts';
import { makeRows } from './make-windows.ts';

/** Two different strings with the same 32-bit hash, found by search (birthday bound: ~80,000 tries). */
function collidingPair(): [string, string] {
  const byHash = new Map<number, string>();
  for (let i = 0; ; i++) {
    const s = `id-${i}`;
    const h = hashString(s);
    const other = byHash.get(h);
    if (other !== undefined) return [other, s];
    byHash.set(h, s);
  }
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('DistinctStrings', () => {
  it('keeps both of two different strings whose hashes are equal', () => {
    // Prepare
    const [a, b] = collidingPair();
    expect(a).not.toBe(b);
    expect(hashString(a)).toBe(hashString(b));
    const set = new DistinctStrings();
    // Act
    const added = [set.add(a), set.add(b), set.add(a), set.add(b)];
    // Assess
    expect(added).toEqual([true, true, false, false]);
    expect(set.has(a) && set.has(b)).toBe(true);
    expect(set.has(`${a}x`)).toBe(false);
    expect([...set]).toEqual([a, b]);
    expect([set.rowOf(a), set.rowOf(b), set.rowOf(`${a}x`)]).toEqual([0, 1, -1]);
  });

  it('answers exactly as a Set does, through growth, for narrow, wide and odd strings', () => {
    // Prepare: repeats, strings that differ only above U+00FF, a lone surrogate, the empty and a long one.
    const rng = createRng(11);
    const odd = [
      '',
      'a\u0100',
      'a\u0000',
      'é',
      '\u00ff',
      '日本語',
      '\ud800',
      'x'.repeat(20_000),
      'x'.repeat(20_001),
    ];
    const inputs: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const k = Math.floor(rng.random() * 12_000);
      inputs.push(k % 97 === 0 ? `ü-${k}` : `r-${k}`);
      if (i % 3000 === 0) inputs.push(...odd);
    }
    const reference = new Set<string>();
    const set = new DistinctStrings();
    // Act, Assess
    for (const s of inputs) {
      expect(set.has(s)).toBe(reference.has(s));
      expect(set.add(s)).toBe(!reference.has(s));
      reference.add(s);
    }
    expect(set.size).toBe(reference.size);
    expect([...set]).toEqual([...reference]);
    [...reference].forEach((s, row) => {
      expect(set.get(row)).toBe(s);
      expect(set.rowOf(s)).toBe(row);
    });
  });
});

describe('HexDigests', () => {
  it('gives back exactly the strings taken: packed digests, nulls and anything else verbatim', () => {
    // Prepare
    const inputs: (string | null)[] = [
      sha('a'),
      null,
      sha('b').toUpperCase(),
      `${sha('c').slice(0, 63)}g`,
      sha('d').slice(0, 40),
      `${sha('e').slice(0, 63)}é`,
      '',
      sha('f'),
    ];
    for (let i = 0; i < 3000; i++) inputs.push(i % 7 === 0 ? null : sha(String(i)));
    const digests = new HexDigests();
    // Act
    for (const s of inputs) digests.push(s);
    // Assess
    expect([...digests]).toEqual(inputs);
    expect(inputs.map((_, row) => digests.get(row))).toEqual(inputs);
  });
});

describe('HexDigests.distinctCount', () => {
  it('counts as a Set of the strings does: packed, verbatim and null (one value) alike', () => {
    // Prepare: repeated digests, the same digits in upper case (another string), repeated odd strings,
    // several nulls, and digests sharing their first 62 digits.
    const inputs: (string | null)[] = [];
    for (let i = 0; i < 5000; i++) {
      const k = i % 1700;
      if (i % 11 === 0) inputs.push(null);
      else if (i % 13 === 0) inputs.push(sha(String(k)).toUpperCase());
      else if (i % 17 === 0) inputs.push(`odd-${k % 40}`);
      else if (i % 19 === 0) inputs.push(`${'0'.repeat(62)}${(k % 256).toString(16).padStart(2, '0')}`);
      else inputs.push(sha(String(k)));
    }
    const digests = new HexDigests();
    for (const s of inputs) digests.push(s);
    // Act, Assess
    expect(digests.distinctCount()).toBe(new Set(inputs).size);
    // A later push is counted too (the answer is not kept past it).
    digests.push('something new');
    expect(digests.distinctCount()).toBe(new Set([...inputs, 'something new']).size);
  });

  it('is 0 for no rows and 1 for rows that are all null', () => {
    const none = new HexDigests();
    expect(none.distinctCount()).toBe(0);
    const nulls = new HexDigests();
    for (let i = 0; i < 5; i++) nulls.push(null);
    expect(nulls.distinctCount()).toBe(1);
  });
});

describe('pick (segment sub-windows)', () => {
  it('gives the values of the picked rows, in that order, as columns of their own', () => {
    // Prepare
    const ids = new DistinctStrings();
    const labels = new CodedStrings();
    const digests = new HexDigests();
    const rows = Array.from({ length: 200 }, (_, i) => ({
      id: `row-${i}`,
      label: ['a', 'b', 'c'][i % 3],
      hash: i % 5 === 0 ? null : i % 7 === 0 ? 'x' : sha(String(i % 50)),
    }));
    for (const r of rows) {
      ids.add(r.id);
      labels.push(r.label);
      digests.push(r.hash);
    }
    const picked = rows.map((_, i) => i).filter((i) => i % 3 !== 0 && i % 4 !== 1);
    // Act
    const [pIds, pLabels, pDigests] = [ids.pick(picked), labels.pick(picked), digests.pick(picked)];
    // Assess
    const want = picked.map((i) => rows[i]);
    expect([...pIds]).toEqual(want.map((r) => r.id));
    expect(pIds.rowOf(rows[picked[3]].id)).toBe(3);
    expect(pIds.rowOf(rows[0].id)).toBe(-1);
    expect([...pLabels]).toEqual(want.map((r) => r.label));
    // Only the labels the picked rows hold, in their order of first appearance ('a' is on no picked row).
    expect(pLabels.values).toEqual(['c', 'b']);
    expect([...pDigests]).toEqual(want.map((r) => r.hash));
    expect(pDigests.distinctCount()).toBe(new Set(want.map((r) => r.hash)).size);
  });
});

describe('CodedStrings and the growable columns', () => {
  it('give back every value in order', () => {
    const labels = new CodedStrings();
    const f64 = new GrowableF64();
    const u8 = new GrowableU8();
    const want: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const l = ['negative', 'neutral', 'positive', `rare-${i % 500}`][i % 4];
      labels.push(l);
      want.push(l);
      f64.push(i === 7 ? Number.NaN : i / 3);
      u8.push(i % 2);
    }
    expect([...labels]).toEqual(want);
    expect(labels.values).toEqual([...new Set(want)]);
    expect(want.map((_, row) => labels.values[labels.code(row)])).toEqual(want);
    const scores = f64.finish();
    expect(scores.length).toBe(5000);
    expect(Number.isNaN(scores[7])).toBe(true);
    expect(scores[4999]).toBe(4999 / 3);
    expect(Array.from(u8.finish())).toEqual(want.map((_, i) => i % 2));
  });
});

describe('CodedStrings past 256 and 65,536 distinct values', () => {
  it('widens its codes and still gives back every value', () => {
    const labels = new CodedStrings();
    const want: string[] = [];
    for (let i = 0; i < 140_000; i++) {
      const l = i % 2 === 0 ? 'common' : `v${i}`;
      labels.push(l);
      want.push(l);
    }
    expect(labels.values.length).toBe(70_001);
    expect(labels.get(139_999)).toBe('v139999');
    expect(labels.code(139_999)).toBe(70_000);
    expect([...labels]).toEqual(want);
  });
});

describe('WindowAccumulator over the compact columns', () => {
  it('builds the same id, label and text-hash columns as the rows it kept', () => {
    // Prepare: real digests, a null one, a repeated id and a row of another width.
    const [a, b] = collidingPair();
    const rows = makeRows({ n: 300, dim: 3, seed: 12 }).map((r, i) => ({
      ...r,
      id: i === 0 ? a : i === 1 ? b : r.id,
      text_sha256: i % 10 === 0 ? null : sha(r.text ?? ''),
    }));
    const acc = new WindowAccumulator(50, 3);
    // Act
    for (const r of rows) acc.add(r);
    expect(acc.add({ ...rows[5], label: 'other' })).toBe(false);
    expect(acc.add({ ...rows[6], embedding: new Float32Array(4) })).toBe(false);
    expect(acc.add({ ...rows[7], id: 'new-id', embedding: new Float32Array(4) })).toBe(false);
    const w = acc.build();
    // Assess
    expect(w.size).toBe(300);
    expect([...w.id]).toEqual(rows.map((r) => r.id));
    expect([...w.label]).toEqual(rows.map((r) => r.label));
    expect([...w.textSha256]).toEqual(rows.map((r) => r.text_sha256));
    expect(w.textSha256.distinctCount()).toBe(new Set(rows.map((r) => r.text_sha256)).size);
    expect(Array.from(w.truncated)).toEqual(rows.map((r) => (r.truncated ? 1 : 0)));
    // A repeated id is no row at all; a new id of another width is a rejected row.
    expect(w.rejectedRows).toBe(1);
  });
});
